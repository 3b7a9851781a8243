// The sync helper on a real engine: batches through one open exec stream land like putArchive's,
// survive a container restart, and the helper goes away when closed.
// A Docker Engine must answer (these fail, never skip, without one).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type DockerEngine } from '../../src/engine/docker/docker-engine.js';
import { syncToContainer } from '../../src/engine/watch/container-sync.js';
import { ContainerWriter } from '../../src/engine/watch/container-writer.js';

const NAME = `dswperf${randomBytes(4).toString('hex')}`;
const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
let engine: DockerEngine;
let containerId: string;
let dir: string;
let writer: ContainerWriter;

async function inContainer(script: string): Promise<string> {
  return (await engine.exec(containerId, ['bash', '-c', script])).output;
}

async function eventually(script: string, check: (out: string) => boolean, limitMs = 5000): Promise<void> {
  const started = Date.now();
  let out = '';
  while (Date.now() - started < limitMs) {
    out = await inContainer(script);
    if (check(out)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not so within ${limitMs} ms: ${script} → ${JSON.stringify(out.slice(0, 300))}`);
}

const host = (...p: string[]): string => path.join(dir, ...p);
const copy = (rel: string, target = `/app/${rel}`) => ({ hostPath: host(rel), containerPath: target });

beforeAll(async () => {
  engine = await openEngine(process.env);
  dir = await mkdtemp(path.join(tmpdir(), `${NAME}-`));
  const c = await docker.createContainer({ name: NAME, Image: 'devstack-standin/debian:bookworm', Cmd: ['sleep', 'infinity'], Labels: { 'io.devstack.test': NAME } });
  await c.start();
  containerId = c.id;
  writer = new ContainerWriter(engine);
});

afterAll(async () => {
  writer?.close();
  if (containerId) await docker.getContainer(containerId).remove({ force: true }).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sync through the helper on a real engine', () => {
  it('copies files as putArchive does (content, mode, mtime, root-owned) and removes them', async () => {
    await mkdir(host('sub'));
    await writeFile(host('a.txt'), 'alpha\n');
    await writeFile(host('run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    await writeFile(host('sub', 'b.txt'), 'beta\n');
    const when = new Date('2024-05-01T10:00:00Z');
    for (const f of ['a.txt', 'run.sh', 'sub/b.txt']) await utimes(host(f), when, when);
    const started = performance.now();
    const result = await writer.sync(containerId, [copy('a.txt'), copy('run.sh'), copy('sub'), copy('sub/b.txt')], []);
    console.log(`watch-sync-channel: first batch (helper start + self-test + 4 entries) ${Math.round(performance.now() - started)} ms`);
    expect(result.copied.size).toBe(4);
    const viaHelper = await inContainer('cd /app && stat -c "%n %a %Y %s %u" a.txt run.sh sub/b.txt && cat a.txt sub/b.txt');

    await syncToContainer(engine, containerId, [copy('a.txt', '/ref/a.txt'), copy('run.sh', '/ref/run.sh'), copy('sub', '/ref/sub'), copy('sub/b.txt', '/ref/sub/b.txt')], []);
    const viaPutArchive = await inContainer('cd /ref && stat -c "%n %a %Y %s %u" a.txt run.sh sub/b.txt && cat a.txt sub/b.txt');
    expect(viaHelper).toBe(viaPutArchive);
    expect(viaHelper).toContain(`run.sh 755 ${when.getTime() / 1000} 18 0`);

    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      await writeFile(host('a.txt'), `edit ${i}\n`);
      const at = performance.now();
      await writer.sync(containerId, [copy('a.txt')], []);
      timings.push(Math.round(performance.now() - at));
    }
    console.log(`watch-sync-channel: one-file batches ${timings.join(', ')} ms`);
    expect(await inContainer('cat /app/a.txt')).toBe('edit 4\n');

    await writer.sync(containerId, [], ['/app/sub', '/app/run.sh']);
    expect(await inContainer('ls -A /app | tr "\\n" " "')).toBe('a.txt ');
  });

  it('keeps syncing after the container restarts (the helper is started again)', async () => {
    await engine.restartContainer(containerId, 1);
    await writeFile(host('a.txt'), 'after restart\n');
    await writer.sync(containerId, [copy('a.txt')], []);
    expect(await inContainer('cat /app/a.txt')).toBe('after restart\n');
  });

  it('reports a failing copy with the reason', async () => {
    await inContainer('echo x > /app/blocker');
    await writeFile(host('c.txt'), 'c');
    await expect(writer.sync(containerId, [copy('c.txt', '/app/blocker/c.txt')], [])).rejects.toThrow(/Copying files into the container failed.*blocker/);
    await writer.sync(containerId, [copy('c.txt')], []);
    expect(await inContainer('cat /app/c.txt')).toBe('c');
  });

  it('ends the helper when closed, leaving nothing behind', async () => {
    // "help[e]r": the grep and this shell do not match themselves.
    const helpers = 'grep -l -a "devstack sync help[e]r" /proc/[0-9]*/cmdline 2>/dev/null | wc -l';
    expect(await inContainer(helpers)).toBe('1\n');
    writer.close();
    await eventually(helpers, (o) => o === '0\n');
    expect(await inContainer('ls -A /tmp | tr "\\n" " "')).toBe('');
  });
});
