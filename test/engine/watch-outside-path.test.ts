// A develop.watch `path` outside the project folder (real engine; fails without one). docker compose watches it as
// written (the spec only says `path` is relative to the project folder), and so does devstack, but not silently: one
// warning located at the rule's `path` in the compose file.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchProject } from '../../src/app/watch.js';
import { loadProject } from '../../src/compose/index.js';
import type { StackEvent } from '../../src/core/events.js';
import { openEngine, type DockerEngine } from '../../src/engine/docker/docker-engine.js';
import { fileWatchPort } from '../../src/engine/watch/file-watch-port.js';

const NAME = `dswout-${randomBytes(4).toString('hex')}`;
const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
const COMPOSE = `services:
  app:
    image: devstack-standin/debian:bookworm
    develop:
      watch:
        - action: sync
          path: ../outside
          target: /outside
`;
let engine: DockerEngine;
let root: string;
let containerId: string;
const events: StackEvent[] = [];
const stop = new AbortController();
let watching: Promise<void>;

beforeAll(async () => {
  engine = await openEngine(process.env);
  root = await mkdtemp(path.join(tmpdir(), `${NAME}-`));
  await mkdir(path.join(root, 'outside'));
  await mkdir(path.join(root, 'proj'));
  await writeFile(path.join(root, 'proj', 'compose.yaml'), COMPOSE);
  const c = await docker.createContainer({ name: NAME, Image: 'devstack-standin/debian:bookworm', Cmd: ['sleep', 'infinity'], Labels: { 'io.devstack.test': NAME } });
  await c.start();
  containerId = c.id;
  const project = await loadProject({ cwd: path.join(root, 'proj'), projectName: NAME, environment: {} });
  await new Promise<void>((resolve) => {
    watching = watchProject({
      engine, files: fileWatchPort, project, services: [], signal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'notice' && e.message.startsWith('watching')) resolve();
      },
      rebuildService: async () => undefined,
      findContainer: async () => containerId,
    });
    void watching.catch(() => resolve());
  });
});

afterAll(async () => {
  stop.abort();
  await watching?.catch(() => undefined);
  await docker.getContainer(containerId).remove({ force: true }).catch(() => undefined);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('develop.watch path outside the project folder (real engine)', () => {
  it('is watched as written, with one warning at the rule\'s path in the compose file', async () => {
    const warnings = events.filter((e) => e.type === 'notice' && e.level === 'warn').map((e) => (e.type === 'notice' ? e.message : ''));
    expect(warnings).toEqual([
      `${path.join(root, 'proj', 'compose.yaml')}:7:17: app: develop.watch path ${path.join(root, 'outside')} is outside the project folder ${path.join(root, 'proj')}; watching it as written`,
    ]);
    await writeFile(path.join(root, 'outside', 'new.txt'), 'from outside\n');
    const started = Date.now();
    let out = '';
    while (Date.now() - started < 10_000 && out !== 'from outside\n') {
      out = (await engine.exec(containerId, ['cat', '/outside/new.txt'])).output;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).toBe('from outside\n');
  });
});
