import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverComposeFiles } from '../../../src/compose/discovery.js';
import { DevstackError } from '../../../src/core/errors.js';
import { loadIn, writeProject } from './temp-project.js';

const SERVICE = 'services:\n  web:\n    image: nginx\n';

describe('discoverComposeFiles', () => {
  it('finds compose.yaml in cwd', () => {
    const dir = writeProject({ 'compose.yaml': SERVICE });
    expect(discoverComposeFiles(dir, undefined)).toMatchObject({ files: [path.join(dir, 'compose.yaml')], projectDir: dir });
  });

  it('walks up to the first parent with a compose file', () => {
    const dir = writeProject({ 'docker-compose.yml': SERVICE, 'a/b/c/keep.txt': '' });
    const found = discoverComposeFiles(path.join(dir, 'a/b/c'), undefined);
    expect(found.files).toEqual([path.join(dir, 'docker-compose.yml')]);
    expect(found.projectDir).toBe(dir);
  });

  it('prefers compose.yaml over the other names, and warns', () => {
    const dir = writeProject({ 'compose.yml': SERVICE, 'compose.yaml': SERVICE, 'docker-compose.yml': SERVICE });
    const found = discoverComposeFiles(dir, undefined);
    expect(found.files).toEqual([path.join(dir, 'compose.yaml')]);
    expect(found.warnings[0]).toContain('using compose.yaml');
  });

  it('adds the matching override file', () => {
    const dir = writeProject({ 'compose.yaml': SERVICE, 'compose.override.yaml': SERVICE });
    expect(discoverComposeFiles(dir, undefined).files).toEqual([path.join(dir, 'compose.yaml'), path.join(dir, 'compose.override.yaml')]);
    const legacy = writeProject({ 'docker-compose.yml': SERVICE, 'docker-compose.override.yml': SERVICE, 'compose.override.yaml': SERVICE });
    expect(discoverComposeFiles(legacy, undefined).files).toEqual([
      path.join(legacy, 'docker-compose.yml'),
      path.join(legacy, 'docker-compose.override.yml'),
    ]);
  });

  it('uses -f files relative to cwd, without override files', () => {
    const dir = writeProject({ 'deploy/base.yaml': SERVICE, 'deploy/dev.yaml': SERVICE, 'compose.override.yaml': SERVICE });
    const found = discoverComposeFiles(dir, ['deploy/base.yaml', 'deploy/dev.yaml']);
    expect(found.files).toEqual([path.join(dir, 'deploy/base.yaml'), path.join(dir, 'deploy/dev.yaml')]);
    expect(found.projectDir).toBe(path.join(dir, 'deploy'));
  });

  it('reads COMPOSE_FILE from the shell when no -f is given', async () => {
    const dir = writeProject({ 'compose.yaml': SERVICE, 'a.yaml': SERVICE, 'b.yaml': 'services:\n  web:\n    image: b\n' });
    const p = await loadIn(dir, { environment: { COMPOSE_FILE: 'a.yaml:b.yaml' } });
    expect(p.composeFiles).toEqual([path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')]);
    expect(p.services.web!.image).toBe('b');
  });

  it('fails with a usage error and a hint when nothing is found', () => {
    const dir = writeProject({ 'empty/keep.txt': '' });
    const empty = path.join(dir, 'empty');
    // The walk goes up to the filesystem root, past the temp folder: a compose file in a real parent of it (a
    // shared /tmp) would be found, and that is then the right answer. Either way there is an answer to check.
    const outside = realParentsOf(dir).flatMap((d) => COMPOSE_NAMES.map((n) => path.join(d, n))).find((f) => existsSync(f) && statSync(f).isFile());
    if (outside === undefined) {
      expect(() => discoverComposeFiles(empty, undefined)).toThrow(
        expect.objectContaining({ kind: 'usage', hint: 'run devstack in a folder with compose.yaml, or pass -f' }),
      );
      expect(() => discoverComposeFiles(empty, undefined)).toThrow(DevstackError);
    } else {
      expect(discoverComposeFiles(empty, undefined).files[0]).toBe(outside);
    }
    expect(() => discoverComposeFiles(dir, ['missing.yaml'])).toThrow(/compose file not found/);
  });
});

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** The folders above `dir`, nearest first, up to the root. */
function realParentsOf(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (path.dirname(d) === d) return out;
  }
}

describe('project name', () => {
  it('normalizes the folder name', async () => {
    const dir = writeProject({ 'compose.yaml': SERVICE }, 'My.Cool_App-2');
    expect((await loadIn(dir)).name).toBe('mycool_app-2');
  });

  it('takes -p, then COMPOSE_PROJECT_NAME (shell, then .env), then name:', async () => {
    const dir = writeProject({ 'compose.yaml': `name: from-file\n${SERVICE}`, '.env': 'COMPOSE_PROJECT_NAME=from-dotenv\n' });
    expect((await loadIn(dir, { projectName: 'flag' })).name).toBe('flag');
    expect((await loadIn(dir, { environment: { COMPOSE_PROJECT_NAME: 'shell' } })).name).toBe('shell');
    expect((await loadIn(dir)).name).toBe('from-dotenv');
    writeFileSync(path.join(dir, '.env'), '');
    expect((await loadIn(dir)).name).toBe('from-file');
  });

  it('rejects an invalid explicit name', async () => {
    const dir = writeProject({ 'compose.yaml': SERVICE });
    await expect(loadIn(dir, { projectName: 'Bad Name' })).rejects.toMatchObject({ kind: 'usage' });
  });

  it('reads --env-file instead of .env', async () => {
    const dir = writeProject({ 'compose.yaml': 'services:\n  web:\n    image: ${IMAGE}\n', '.env': 'IMAGE=from-dotenv\n', 'alt.env': 'IMAGE=from-alt\n' });
    expect((await loadIn(dir)).services.web!.image).toBe('from-dotenv');
    expect((await loadIn(dir, { envFiles: ['alt.env'] })).services.web!.image).toBe('from-alt');
    expect((await loadIn(dir, { environment: { IMAGE: 'shell' } })).services.web!.image).toBe('shell');
    mkdirSync(path.join(dir, 'sub'));
    await expect(loadIn(dir, { envFiles: ['nope.env'] })).rejects.toMatchObject({ kind: 'usage' });
  });
});
