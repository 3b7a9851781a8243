// Real-engine tests of `develop.watch`: a long-running container and a temp folder synced to /app.
// A Docker Engine must answer (they fail, never skip, without one).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchProject } from '../../src/app/watch.js';
import type { StackEvent } from '../../src/core/events.js';
import type { Project, ServiceConfig, WatchRule } from '../../src/core/model.js';
import { openEngine, type DockerEngine } from '../../src/engine/docker/docker-engine.js';
import { fileWatchPort } from '../../src/engine/watch/file-watch-port.js';

const NAME = `dswatch-${randomBytes(4).toString('hex')}`;
const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
let engine: DockerEngine;
let containerId: string;
let dir: string;
const events: StackEvent[] = [];
const rebuilds: string[] = [];
const stop = new AbortController();
let watching: Promise<void>;

function service(watch: WatchRule[]): ServiceConfig {
  return {
    name: 'app', image: 'devstack-standin/debian:bookworm', environment: {}, ports: [], expose: [], volumes: [], dependsOn: {},
    labels: {}, tty: false, stdinOpen: false, extraHosts: [], networks: {}, profiles: [], develop: { watch }, devstack: {},
    source: { file: path.join(dir, 'compose.yaml'), line: 1, col: 1 },
  };
}

async function inContainer(script: string): Promise<string> {
  const res = await engine.exec(containerId, ['bash', '-c', script]);
  return res.output;
}

/** Polls the container until `check` holds; returns how long it took. */
async function eventually(script: string, check: (out: string) => boolean, limitMs = 5000): Promise<number> {
  const started = Date.now();
  let out = '';
  while (Date.now() - started < limitMs) {
    out = await inContainer(script);
    if (check(out)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`not visible within ${limitMs} ms: ${script} → ${JSON.stringify(out.slice(0, 300))}`);
}

const src = (...p: string[]): string => path.join(dir, 'src', ...p);

beforeAll(async () => {
  engine = await openEngine(process.env);
  dir = await mkdtemp(path.join(tmpdir(), `${NAME}-`));
  await mkdir(src('ignored'), { recursive: true });
  await mkdir(src('node_modules', 'dep'), { recursive: true });
  await writeFile(src('initial.txt'), 'initial\n');
  await writeFile(src('ignored', 'before.txt'), 'x');
  await writeFile(src('node_modules', 'dep', 'index.js'), 'x');
  await writeFile(path.join(dir, 'package.json'), '{}\n');
  await writeFile(path.join(dir, 'compose.yaml'), 'services: {}\n');
  const c = await docker.createContainer({ name: NAME, Image: 'devstack-standin/debian:bookworm', Cmd: ['sleep', 'infinity'], Labels: { 'io.devstack.test': NAME } });
  await c.start();
  containerId = c.id;
  const rules: WatchRule[] = [
    { action: 'sync', path: src(), target: '/app', ignore: ['*.tmp', 'ignored/'], include: [], initialSync: true },
    { action: 'rebuild', path: path.join(dir, 'package.json'), ignore: [], include: [], initialSync: false },
  ];
  const project: Project = {
    name: NAME, workingDir: dir, composeFiles: [path.join(dir, 'compose.yaml')], services: { app: service(rules) },
    inactiveServices: [], networks: {}, volumes: {},
  };
  const ready = new Promise<void>((resolve) => {
    watching = watchProject({
      engine, files: fileWatchPort, project, services: [], signal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'notice' && e.message.startsWith('watching')) resolve();
      },
      rebuildService: async (s) => void rebuilds.push(s),
      findContainer: async () => containerId,
    });
    void watching.catch(() => resolve());
  });
  await ready;
});

afterAll(async () => {
  stop.abort();
  await watching?.catch(() => undefined);
  await docker.getContainer(containerId).remove({ force: true }).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('watchProject on a real engine', () => {
  it('synced the folder at start (initial_sync), leaving ignored paths and node_modules out', async () => {
    await eventually('cat /app/initial.txt', (o) => o === 'initial\n');
    expect(await inContainer('ls -A /app | sort | tr "\\n" " "')).toBe('initial.txt ');
  });

  it('syncs a created file, then a modification', async () => {
    await writeFile(src('new.txt'), 'one\n');
    await eventually('cat /app/new.txt', (o) => o === 'one\n');
    await appendFile(src('new.txt'), 'two\n');
    await eventually('cat /app/new.txt', (o) => o === 'one\ntwo\n');
  });

  it('syncs files whose names start with `..` (`..env`, `...`, `..data/x`): names inside the folder, not a way out', async () => {
    await writeFile(src('..env'), 'A=1\n');
    await writeFile(src('...'), 'dots\n');
    await mkdir(src('..data'), { recursive: true });
    await writeFile(src('..data', 'x.txt'), 'x\n');
    await eventually('cat /app/..env /app/... /app/..data/x.txt 2>&1', (out) => out === 'A=1\ndots\nx\n');
    expect(await inContainer('ls -a / | grep -c "^\\.\\.env$" || true')).toBe('0\n');
    await Promise.all([rm(src('..env')), rm(src('...')), rm(src('..data'), { recursive: true })]);
    await eventually('ls -a /app', (out) => !/^\.\.(env|\.|data)$/m.test(out));
  });

  it('syncs an atomic save (temp file renamed over the original) and leaves no temp file', async () => {
    await writeFile(src('.new.txt.swp'), 'atomic\n');
    await rename(src('.new.txt.swp'), src('new.txt'));
    await eventually('cat /app/new.txt', (o) => o === 'atomic\n');
    await eventually('ls -A /app', (o) => !o.includes('.swp'));
  });

  it('syncs `sed -i`', async () => {
    execFileSync('sed', ['-i', 's/atomic/edited by sed/', src('new.txt')]);
    await eventually('cat /app/new.txt', (o) => o === 'edited by sed\n');
    await eventually('ls -A /app', (o) => !/sed[A-Za-z0-9]{6}/.test(o));
  });

  it('removes a deleted file', async () => {
    await rm(src('new.txt'));
    await eventually('test -e /app/new.txt && echo present || echo gone', (o) => o.trim() === 'gone');
  });

  it('syncs a new folder tree, then removes it when the folder is deleted', async () => {
    await mkdir(src('dir', 'sub'), { recursive: true });
    await writeFile(src('dir', 'a.txt'), 'a');
    await writeFile(src('dir', 'sub', 'b.txt'), 'b');
    await eventually('cat /app/dir/a.txt /app/dir/sub/b.txt', (o) => o === 'ab');
    await rm(src('dir'), { recursive: true });
    await eventually('test -e /app/dir && echo present || echo gone', (o) => o.trim() === 'gone');
  });

  it('syncs a burst of 500 files', async () => {
    await mkdir(src('burst'));
    await Promise.all(Array.from({ length: 500 }, (_, i) => writeFile(src('burst', `f${i}.txt`), `file ${i}\n`)));
    const ms = await eventually('ls /app/burst | wc -l', (o) => o.trim() === '500', 10_000);
    expect(await inContainer('cat /app/burst/f499.txt')).toBe('file 499\n');
    console.log(`watch: 500-file burst visible after ${ms} ms`);
  });

  it('does not sync ignored paths', async () => {
    await writeFile(src('ignored', 'secret.txt'), 'secret');
    await writeFile(src('scratch.tmp'), 'tmp');
    await writeFile(src('node_modules', 'dep', 'new.js'), 'x');
    await writeFile(src('marker.txt'), 'marker');
    await eventually('cat /app/marker.txt', (o) => o === 'marker');
    await new Promise((r) => setTimeout(r, 300));
    expect(await inContainer('ls -A /app | sort | tr "\\n" " "')).toBe('burst initial.txt marker.txt ');
  });

  it('calls rebuildService when package.json changes', async () => {
    await writeFile(path.join(dir, 'package.json'), '{"name":"x"}\n');
    const started = Date.now();
    while (!rebuilds.includes('app') && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(rebuilds).toContain('app');
    expect(events.some((e) => e.type === 'notice' && /app: rebuilt/.test(e.message))).toBe(true);
  });

  it('reported syncs as notices', () => {
    expect(events.some((e) => e.type === 'notice' && /^app: synced \d+ files? \(\d+ ms\)$/.test(e.message))).toBe(true);
  });
});
