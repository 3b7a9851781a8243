import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIn, writeProject } from './temp-project.js';

async function merged(base: string, override: string) {
  const dir = writeProject({ 'compose.yaml': base, 'compose.override.yaml': override });
  return loadIn(dir);
}

describe('merging compose files', () => {
  it('merges mappings deep and replaces scalars; the override adds services', async () => {
    const p = await merged(
      'services:\n  web:\n    image: a\n    restart: always\n    working_dir: /app\n',
      'services:\n  web:\n    image: b\n  worker:\n    image: w\n',
    );
    expect(p.services.web).toMatchObject({ image: 'b', restart: 'always', workingDir: '/app' });
    expect(Object.keys(p.services)).toEqual(['web', 'worker']);
    expect(p.composeFiles.map((f) => path.basename(f))).toEqual(['compose.yaml', 'compose.override.yaml']);
  });

  it('replaces command, entrypoint and healthcheck.test', async () => {
    const p = await merged(
      'services:\n  web:\n    image: a\n    command: [echo, foo]\n    entrypoint: sh -c\n    healthcheck: { test: [CMD, a], interval: 5s }\n',
      'services:\n  web:\n    command: [echo, bar]\n    entrypoint: [bash]\n    healthcheck: { test: b }\n',
    );
    expect(p.services.web!.command).toEqual(['echo', 'bar']);
    expect(p.services.web!.entrypoint).toEqual(['bash']);
    expect(p.services.web!.healthcheck).toMatchObject({ test: ['CMD-SHELL', 'b'], intervalMs: 5000 });
  });

  it('merges ports and expose uniquely, volumes by target', async () => {
    const p = await merged(
      'services:\n  web:\n    image: a\n    ports: ["80:80", "443:443"]\n    expose: ["3000"]\n    volumes: ["./a:/app", "/cache"]\n',
      'services:\n  web:\n    ports: ["80:80", "8080:8080"]\n    expose: ["3001"]\n    volumes: ["./b:/app:ro", "/data"]\n',
    );
    expect(p.services.web!.ports.map((x) => x.published)).toEqual([80, 443, 8080]);
    expect(p.services.web!.expose).toEqual(['3000', '3001']);
    expect(p.services.web!.volumes.map((v) => [v.target, v.readOnly])).toEqual([['/app', true], ['/cache', false], ['/data', false]]);
    expect(p.services.web!.volumes[0]).toMatchObject({ source: path.join(p.workingDir, 'b') });
  });

  it('merges environment and labels by key across list and map forms', async () => {
    const p = await merged(
      'services:\n  web:\n    image: a\n    environment: [A=1, B=2]\n    labels: { x: "1" }\n',
      'services:\n  web:\n    environment: { B: three, C: 4 }\n    labels: [y=2, x=9]\n',
    );
    expect(p.services.web!.environment).toEqual({ A: '1', B: 'three', C: '4' });
    expect(p.services.web!.labels).toEqual({ x: '9', y: '2' });
  });

  it('merges depends_on by key (list + long form) and build', async () => {
    const p = await merged(
      'services:\n  db: { image: pg }\n  cache: { image: r }\n  web:\n    build: ./web\n    depends_on: [db]\n',
      'services:\n  web:\n    build: { dockerfile: Dockerfile.dev, args: [X=1] }\n    depends_on:\n      db: { condition: service_healthy }\n      cache: { condition: service_started, required: false }\n',
    );
    expect(p.services.web!.dependsOn).toEqual({
      db: { condition: 'service_healthy', required: true, restart: false },
      cache: { condition: 'service_started', required: false, restart: false },
    });
    expect(p.services.web!.build).toMatchObject({ context: path.join(p.workingDir, 'web'), dockerfile: 'Dockerfile.dev', args: { X: '1' } });
  });

  it('appends other sequences and honours !reset / !override', async () => {
    const p = await merged(
      'services:\n  web:\n    image: a\n    profiles: [dev]\n    extra_hosts: ["a:1.1.1.1"]\n    ports: ["80:80"]\n    environment: { A: "1" }\n',
      'services:\n  web:\n    extra_hosts: ["b:2.2.2.2"]\n    ports: !override ["81:81"]\n    environment: !reset {}\n',
    );
    expect(p.services.web).toBeUndefined();
    const all = await loadIn(p.workingDir, { profiles: ['dev'] });
    expect(all.services.web!.extraHosts).toEqual(['a:1.1.1.1', 'b:2.2.2.2']);
    expect(all.services.web!.ports.map((x) => x.published)).toEqual([81]);
    expect(all.services.web!.environment).toEqual({});
  });

  it('merges -f files in order, paths relative to the first file', async () => {
    const dir = writeProject({
      'base/compose.yaml': 'services:\n  web:\n    image: a\n    volumes: ["./src:/src"]\n',
      'dev.yaml': 'services:\n  web:\n    volumes: ["./extra:/extra"]\n',
    });
    const p = await loadIn(dir, { files: ['base/compose.yaml', 'dev.yaml'] });
    expect(p.workingDir).toBe(path.join(dir, 'base'));
    expect(p.services.web!.volumes.map((v) => ('source' in v ? v.source : ''))).toEqual([path.join(dir, 'base/src'), path.join(dir, 'base/extra')]);
  });
});

describe('extends', () => {
  it('extends a service of the same file and of another file (paths rebased)', async () => {
    const dir = writeProject({
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: base',
        '    environment: { A: "1", B: "1" }',
        '    command: [run, base]',
        '  web:',
        '    extends: base',
        '    environment: { B: "2" }',
        '  remote:',
        '    extends: { file: common/services.yaml, service: worker }',
        '    ports: ["9000:9000"]',
      ].join('\n'),
      'common/services.yaml': 'services:\n  worker:\n    build: ./worker\n    volumes: ["./data:/data"]\n    ports: ["9001:9001"]\n',
    });
    const p = await loadIn(dir);
    expect(p.services.web).toMatchObject({ image: 'base', command: ['run', 'base'], environment: { A: '1', B: '2' } });
    expect(p.services.remote!.build!.context).toBe(path.join(dir, 'common/worker'));
    expect(p.services.remote!.volumes[0]).toMatchObject({ type: 'bind', source: path.join(dir, 'common/data') });
    expect(p.services.remote!.ports.map((x) => x.published)).toEqual([9001, 9000]);
  });

  it('detects cycles', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  a:\n    extends: b\n  b:\n    extends: { service: c }\n  c:\n    extends: a\n',
    });
    await expect(loadIn(dir)).rejects.toThrow(/extends cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/);
  });

  it('reports an unknown base service at the extends line', async () => {
    const dir = writeProject({ 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: nope\n' });
    await expect(loadIn(dir)).rejects.toThrow(/compose.yaml:4:14: extends undefined service "nope"/);
  });
});

describe('profiles', () => {
  const yaml = 'services:\n  app: { image: a }\n  debug: { image: d, profiles: [debug] }\n  docs: { image: m, profiles: [docs, all] }\n';

  it('leaves services with profiles out unless enabled', async () => {
    const p = await loadIn(writeProject({ 'compose.yaml': yaml }));
    expect(Object.keys(p.services)).toEqual(['app']);
    expect(p.inactiveServices).toEqual(['debug', 'docs']);
  });

  it('enables profiles from --profile and COMPOSE_PROFILES', async () => {
    const dir = writeProject({ 'compose.yaml': yaml });
    expect(Object.keys((await loadIn(dir, { profiles: ['all'] })).services)).toEqual(['app', 'docs']);
    expect(Object.keys((await loadIn(dir, { environment: { COMPOSE_PROFILES: 'debug, docs' } })).services)).toEqual(['app', 'debug', 'docs']);
    expect((await loadIn(dir, { profiles: ['*'] })).inactiveServices).toEqual([]);
  });
});
