import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedSinceRead } from '../../../src/compose/index.js';
import { composeErrorOf, loadIn, loadYaml, writeProject } from './temp-project.js';

describe('include', () => {
  it('adds the included services, networks and volumes, paths kept relative to their file', async () => {
    const dir = writeProject({
      'compose.yaml': 'include:\n  - infra/db.yaml\nservices:\n  api:\n    image: api\n    depends_on: [db]\n',
      'infra/db.yaml': 'services:\n  db:\n    image: pg\n    volumes: [data:/var/lib/postgresql/data, ./init:/docker-entrypoint-initdb.d]\nvolumes:\n  data: {}\n',
    });
    const p = await loadIn(dir);
    expect(Object.keys(p.services).sort()).toEqual(['api', 'db']);
    expect(p.services.db!.volumes[1]).toMatchObject({ type: 'bind', source: path.join(dir, 'infra/init') });
    expect(p.volumes.data!.name).toBe(`${p.name}_data`);
  });

  it('reports conflicts, cycles and missing files at the include', async () => {
    const conflict = writeProject({
      'compose.yaml': 'include: [other.yaml]\nservices:\n  db:\n    image: mine\n',
      'other.yaml': 'services:\n  db:\n    image: theirs\n',
    });
    expect((await composeErrorOf(loadIn(conflict))).message).toMatch(/compose.yaml:3:3: services.db is also defined by the included file/);
    const cycle = writeProject({
      'compose.yaml': 'include: [a.yaml]\nservices: { x: { image: x } }\n',
      'a.yaml': 'include: [compose.yaml]\n',
    });
    expect((await composeErrorOf(loadIn(cycle))).message).toMatch(/a.yaml:1:11: include cycle: compose.yaml -> a.yaml -> compose.yaml/);
    const missing = writeProject({ 'compose.yaml': 'include:\n  - path: nope.yaml\n' });
    expect((await composeErrorOf(loadIn(missing))).message).toMatch(/compose.yaml:2:11: included file not found/);
  });
});

describe('include env_file', () => {
  it("interpolates the included file from its env files, after the shell and the including project's values", async () => {
    const dir = writeProject({
      'compose.yaml': 'include:\n  - path: infra/db.yaml\n    env_file: infra/db.env\nservices:\n  api:\n    image: api:${TAG}\n',
      '.env': 'TAG=from-project\n',
      'infra/db.yaml': 'services:\n  db:\n    image: pg:${PG_TAG}\n    labels: { tag: "${TAG}" }\n',
      'infra/db.env': 'PG_TAG=16\nTAG=from-include\n',
    });
    const p = await loadIn(dir);
    expect(p.services.db!.image).toBe('pg:16');
    expect(p.services.db!.labels.tag).toBe('from-project');
    expect(p.services.api!.image).toBe('api:from-project');
    const shell = await loadIn(dir, { environment: { PG_TAG: '17' } });
    expect(shell.services.db!.image).toBe('pg:17');
  });

  it("without env_file, the .env of the included file's project directory; a missing explicit one is a located error", async () => {
    const dir = writeProject({
      'compose.yaml': 'include:\n  - infra/db.yaml\n',
      'infra/db.yaml': 'services:\n  db:\n    image: pg:${PG_TAG}\n',
      'infra/.env': 'PG_TAG=15\n',
    });
    expect((await loadIn(dir)).services.db!.image).toBe('pg:15');
    const missing = writeProject({
      'compose.yaml': 'include:\n  - path: infra/db.yaml\n    env_file: [nope.env]\n',
      'infra/db.yaml': 'services:\n  db:\n    image: pg\n',
    });
    expect((await composeErrorOf(loadIn(missing))).message).toMatch(/compose.yaml:3:16: env file not found: .*nope\.env/);
  });
});

describe('configFiles', () => {
  it('lists every file the project is read from: compose files, included and extended ones, .env and env_files', async () => {
    const dir = writeProject({
      'compose.yaml': 'include:\n  - infra/db.yaml\nservices:\n  api:\n    extends: { file: base.yaml, service: app }\n    env_file: [api.env, { path: optional.env, required: false }]\n',
      'base.yaml': 'services:\n  app:\n    image: api\n',
      'infra/db.yaml': 'services:\n  db:\n    image: pg\n    env_file: db.env\n',
      'infra/db.env': 'A=1\n',
      'api.env': 'B=2\n',
    });
    const p = await loadIn(dir);
    expect([...(p.configFiles ?? [])].sort()).toEqual(
      ['compose.yaml', 'base.yaml', 'infra/db.yaml', 'infra/.env', 'infra/db.env', 'api.env', 'optional.env', '.env'].map((f) => path.join(dir, f)).sort(),
    );
  });

  it('stamps each file as it was read: an edit, a replace by rename and a created file show as changed since', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  api:\n    image: api\n    env_file: [api.env, { path: optional.env, required: false }]\n',
      'api.env': 'B=2\n',
    });
    const p = await loadIn(dir);
    const stamps = p.configStamps ?? {};
    expect(Object.keys(stamps).sort()).toEqual([...(p.configFiles ?? [])].sort());
    expect(stamps[path.join(dir, 'optional.env')]).toBe('missing');
    expect(changedSinceRead(stamps)).toEqual([]);

    writeFileSync(path.join(dir, 'api.env'), 'B=3\n'); // same size: the mtime and ctime tell
    writeFileSync(path.join(dir, 'next.yaml'), 'services: {}\n');
    renameSync(path.join(dir, 'next.yaml'), path.join(dir, 'compose.yaml')); // how many editors save
    writeFileSync(path.join(dir, 'optional.env'), 'C=1\n');
    expect(changedSinceRead(stamps).sort()).toEqual(['api.env', 'compose.yaml', 'optional.env'].map((f) => path.join(dir, f)).sort());
    expect(changedSinceRead((await loadIn(dir)).configStamps ?? {})).toEqual([]);
  });
});

describe('edge cases', () => {
  it('accepts an empty compose file', async () => {
    const p = await loadYaml('');
    expect(p.services).toEqual({});
    expect(Object.keys(p.networks)).toEqual(['default']);
  });

  it('rejects a top level that is not a mapping', async () => {
    expect((await composeErrorOf(loadYaml('- a\n- b\n'))).message).toMatch(/compose.yaml:1:1: \(top level\): must be object/);
  });

  it('reports an alias that refers to itself', async () => {
    expect((await composeErrorOf(loadYaml('x-a: &a [*a]\nservices: {}\n'))).message).toMatch(/alias \*a refers to itself/);
  });

  it('refuses alias bombs', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    expect((await composeErrorOf(loadYaml(levels.join('\n') + '\n'))).message).toMatch(/aliases expand to more than/);
  });

  it('never reads variables from the prototype, and refuses __proto__ keys', async () => {
    const p = await loadYaml('services:\n  web:\n    image: "a${constructor}b"\n', {}, { '.env': 'X=${toString}\n' });
    expect(p.services.web!.image).toBe('ab');
    expect((await composeErrorOf(loadYaml('services:\n  __proto__: { image: a }\n'))).message).toMatch(/2:3: the key __proto__ is not allowed/);
  });

  it('requires an image or a build', async () => {
    expect((await composeErrorOf(loadYaml('services:\n  web:\n    ports: ["80:80"]\n'))).message).toMatch(
      /compose.yaml:2:3: service "web" has neither an image nor a build context/,
    );
  });

  it('reports an env_file that is missing or a folder', async () => {
    const error = await composeErrorOf(loadYaml('services:\n  web:\n    image: a\n    env_file: [missing.env, folder]\n', {}, { 'folder/x': '' }));
    expect(error.issues.map((i) => i.location.line)).toEqual([4, 4]);
    expect(error.issues[0]!.message).toMatch(/^env file .*missing\.env not found$/);
    expect(error.issues[1]!.message).toMatch(/^cannot read env file .*folder: EISDIR/);
  });
});
