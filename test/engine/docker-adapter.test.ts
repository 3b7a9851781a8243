// Real-engine tests of the Docker adapter. They fail (never skip) when no engine answers.
// Every Docker object made here is named dsadapter-<random>… and removed in afterAll.
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRequest, EngineEvent } from '../../src/core/engine.js';
import { DevstackError, HostPortTaken } from '../../src/core/errors.js';
import { LABEL } from '../../src/core/labels.js';
import { connectDocker } from '../../src/engine/docker/connect.js';
import { openEngine, type DockerEngine } from '../../src/engine/docker/docker-engine.js';

const prefix = `dsadapter-${randomBytes(4).toString('hex')}`;
const project = prefix;
const netA = `${prefix}_default`;
const netB = `${prefix}_back`;
const volume = `${prefix}_data`;
const imageTag = `${prefix}-img:test`;
const failingTag = `${prefix}-fail:test`;
const raw = connectDocker(process.env);
const labels = { [LABEL.project]: project, [LABEL.devstack]: 'test' };

let engine: DockerEngine;
let tempDir: string;
let redisId = '';
const events: EngineEvent[] = [];
const eventsAbort = new AbortController();
let eventsDone: Promise<void> | undefined;

function redisRequest(name: string, hostPort: number): ContainerRequest {
  return {
    name,
    image: 'redis:7-alpine',
    labels: { ...labels, [LABEL.service]: 'cache' },
    env: { DSADAPTER_GREETING: 'hello=world' },
    tty: false,
    openStdin: false,
    init: true,
    restartPolicy: 'no',
    stopTimeoutS: 2,
    extraHosts: ['dsadapter.example:10.1.2.3'],
    networks: [
      { name: netA, aliases: ['cache'] },
      { name: netB, aliases: ['cache-back'] },
    ],
    ports: [{ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1', hostPort }],
    exposedPorts: [],
    mounts: [
      { type: 'volume', source: volume, target: '/data', readOnly: false },
      { type: 'volume', target: '/anon', readOnly: false },
      { type: 'tmpfs', target: '/scratch', readOnly: false },
    ],
    healthcheck: { test: ['CMD', 'redis-cli', 'ping'], intervalMs: 500, timeoutMs: 2000, retries: 10 },
  };
}

async function caught(p: Promise<unknown>): Promise<DevstackError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DevstackError);
  return err as DevstackError;
}

async function until<T>(what: string, limitMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  engine = await openEngine(process.env);
  tempDir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  eventsDone = (async () => {
    for await (const e of engine.events({ project }, eventsAbort.signal)) events.push(e);
  })();
});

afterAll(async () => {
  eventsAbort.abort();
  const containers = await raw.listContainers({ all: true, filters: { label: [`${LABEL.project}=${project}`] } });
  const named = await raw.listContainers({ all: true, filters: { name: [prefix] } });
  for (const c of [...containers, ...named]) await raw.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const n of [netA, netB]) await raw.getNetwork(n).remove().catch(() => undefined);
  await raw.getVolume(volume).remove().catch(() => undefined);
  for (const t of [imageTag, failingTag]) await raw.getImage(t).remove({ force: true }).catch(() => undefined);
  const dangling = await raw.listImages({ filters: { label: [`${LABEL.project}=${project}`] } });
  for (const i of dangling) await raw.getImage(i.Id).remove({ force: true }).catch(() => undefined);
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

describe('DockerEngine on a real engine', () => {
  it('pings', async () => {
    const info = await engine.ping();
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(info.serverVersion).not.toBe('');
    expect(info.os).toBe('linux');
  });

  it('openEngine against a missing socket: engine-unreachable within 2 s, readable', async () => {
    const started = Date.now();
    const socket = path.join(tmpdir(), `${prefix}-missing.sock`);
    const err = await caught(openEngine({ DOCKER_HOST: `unix://${socket}` }));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(err.kind).toBe('engine-unreachable');
    expect(err.message).toBe(`Cannot reach a Docker Engine at unix://${socket} (no such socket)`);
    expect(err.hint).toMatch(/Start Docker .*DOCKER_HOST/);
  });

  it('openEngine against a socket that never answers: engine-unreachable after 2 s', async () => {
    const socket = path.join(tempDir, 'silent.sock');
    const held: Socket[] = [];
    const server = createServer((conn) => held.push(conn)); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const started = Date.now();
      const err = await caught(openEngine({ DOCKER_HOST: `unix://${socket}` }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(err.kind).toBe('engine-unreachable');
      expect(err.message).toBe(`Cannot reach a Docker Engine at unix://${socket} (no answer within 2 s)`);
    } finally {
      for (const conn of held) conn.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('creates a labelled network and volume, once', async () => {
    expect(await engine.ensureNetwork({ name: netA, labels: { ...labels, [LABEL.network]: 'default' } })).toEqual({ created: true });
    // An existing one is kept as it is; its labels come back (to tell one made outside the project).
    expect(await engine.ensureNetwork({ name: netA, labels })).toEqual({ created: false, labels: { ...labels, [LABEL.network]: 'default' } });
    expect(await engine.ensureNetwork({ name: netB, labels })).toEqual({ created: true });
    expect(await engine.networkExists(netA)).toBe(true);
    expect(await engine.networkExists(`${prefix}_nope`)).toBe(false);
    expect(await engine.ensureVolume({ name: volume, labels })).toEqual({ created: true });
    expect(await engine.ensureVolume({ name: volume, labels: {} })).toEqual({ created: false, labels });
    expect(await engine.volumeExists(volume)).toBe(true);
    expect((await engine.listProjectNetworks(project)).map((n) => n.name).sort()).toEqual([netB, netA].sort());
    expect((await engine.listProjectNetworks(project)).every((n) => /^\d{4}-\d\d-\d\dT/.test(n.created ?? ''))).toBe(true);
    expect(await engine.networkContainers((await engine.listProjectNetworks(project))[0]!.id)).toEqual([]);
    expect((await engine.listProjectVolumes(project)).map((v) => v.name)).toEqual([volume]);
  });

  it('creates and starts a container with a published port, volumes and two networks', async () => {
    redisId = await engine.createContainer(redisRequest(`${prefix}-cache-1`, 0));
    await engine.startContainer(redisId);
    await engine.startContainer(redisId); // already running: fine

    const listed = await engine.listProjectContainers(project);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: redisId, name: `${prefix}-cache-1`, status: 'running', image: 'redis:7-alpine' });
    expect(listed[0]?.labels[LABEL.service]).toBe('cache');

    const details = await engine.inspectContainer(redisId);
    expect(details.status).toBe('running');
    expect(details.exitCode).toBeNull();
    expect(details.env.DSADAPTER_GREETING).toBe('hello=world');
    expect(details.tty).toBe(false);
    expect(details.ports).toHaveLength(1);
    const port = details.ports[0]!;
    expect(port).toMatchObject({ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1' });
    expect(port.hostPort).toBeGreaterThan(0);
    expect(details.networks[netA]?.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(details.networks[netA]?.aliases).toContain('cache');
    expect(details.networks[netB]?.aliases).toContain('cache-back');

    const published = await engine.listPublishedPorts();
    expect(published).toContainEqual({ containerName: `${prefix}-cache-1`, project, port });

    const healthy = await until('healthy', 30_000, async () => {
      const d = await engine.inspectContainer(redisId);
      return d.health === 'healthy' ? d : undefined;
    });
    expect(healthy.healthLog.length).toBeGreaterThan(0);
    expect(healthy.healthLog.at(-1)?.output).toContain('PONG');
  });

  it('execs and collects output and exit codes', async () => {
    expect(await engine.exec(redisId, ['redis-cli', 'ping'])).toEqual({ exitCode: 0, output: 'PONG\n' });
    const failing = await engine.exec(redisId, ['sh', '-c', 'echo out; echo err >&2; exit 3'], { env: { X: '1' } });
    expect(failing.exitCode).toBe(3);
    expect(failing.output).toContain('out\n');
    expect(failing.output).toContain('err\n');
    const env = await engine.exec(redisId, ['sh', '-c', 'echo "$X:$(pwd)"'], { env: { X: 'yes' }, workingDir: '/tmp' });
    expect(env.output).toBe('yes:/tmp\n');
  });

  it('puts a tar archive into the container', async () => {
    const pack = tarStream.pack();
    pack.entry({ name: 'hello.txt', mode: 0o644 }, 'hello from devstack\n');
    pack.finalize();
    await engine.putArchive(redisId, '/tmp', Readable.from(pack, { objectMode: false }));
    expect(await engine.exec(redisId, ['cat', '/tmp/hello.txt'])).toEqual({ exitCode: 0, output: 'hello from devstack\n' });
  });

  it('a second container on the same host port fails with kind port', async () => {
    const hostPort = (await engine.inspectContainer(redisId)).ports[0]!.hostPort;
    const id = await engine.createContainer({ ...redisRequest(`${prefix}-cache-2`, hostPort), mounts: [] });
    const err = await caught(engine.startContainer(id));
    expect(err.kind).toBe('port');
    expect(err.message).toMatch(/port is already allocated|address already in use/);
    // The adapter reads the port out of the engine's own words, so `up` can pick another one.
    expect(err).toBeInstanceOf(HostPortTaken);
    expect((err as HostPortTaken).hostPort).toBe(hostPort);
    await engine.removeContainer(id, { force: true, removeVolumes: true });
  });

  it('stops (twice), sees start and die events, removes (twice)', async () => {
    await engine.stopContainer(redisId, 2);
    await engine.stopContainer(redisId, 2); // 304: already stopped
    const details = await engine.inspectContainer(redisId);
    expect(details.status).toBe('exited');
    expect(details.exitCode).not.toBeNull();

    const die = await until('die event', 10_000, () => events.find((e) => e.id === redisId && e.action === 'die'));
    expect(die.type).toBe('container');
    expect(die.exitCode).toBe(details.exitCode);
    expect(die.labels[LABEL.project]).toBe(project);
    expect(events.some((e) => e.id === redisId && e.action === 'start')).toBe(true);
    expect(events.some((e) => e.id === redisId && e.action === 'health_status: healthy')).toBe(true);
    expect(events.every((e) => e.labels[LABEL.project] === project)).toBe(true);

    await engine.removeContainer(redisId, { force: true, removeVolumes: true });
    await engine.removeContainer(redisId, { force: true, removeVolumes: true }); // gone: fine
    await engine.stopContainer(redisId, 1); // gone: fine
    expect(await engine.listProjectContainers(project)).toEqual([]);
    expect((await caught(engine.inspectContainer(redisId))).kind).toBe('not-found');

    eventsAbort.abort();
    await eventsDone; // ends cleanly on abort
  });

  it('builds an image honouring .dockerignore and keeping the exec bit', async () => {
    const ctx = path.join(tempDir, 'app');
    await mkdir(path.join(ctx, 'secrets'), { recursive: true });
    await writeFile(path.join(ctx, 'Dockerfile'), 'FROM devstack-standin/debian:bookworm\nCOPY . /ctx/\nCMD ["sleep", "infinity"]\n');
    await writeFile(path.join(ctx, '.dockerignore'), 'secrets\n*.log\n!keep.log\nDockerfile\n');
    await writeFile(path.join(ctx, 'secrets', 'key'), 'k');
    await writeFile(path.join(ctx, 'debug.log'), 'd');
    await writeFile(path.join(ctx, 'keep.log'), 'k');
    await writeFile(path.join(ctx, 'run.sh'), '#!/bin/sh\necho ran\n');
    await chmod(path.join(ctx, 'run.sh'), 0o755);

    const progress: string[] = [];
    await engine.buildImage(
      { context: ctx, dockerfile: 'Dockerfile', tag: imageTag, args: {}, labels },
      { onProgress: (line) => progress.push(line) },
    );
    expect(progress.some((l) => /^Step 1\/\d+ : FROM/.test(l))).toBe(true);
    expect(await engine.imageExists(imageTag)).toBe(true);

    const id = await engine.createContainer({
      name: `${prefix}-built`, image: imageTag, labels, env: {}, tty: false, openStdin: false, extraHosts: [],
      networks: [], ports: [], exposedPorts: [], mounts: [],
    });
    await engine.startContainer(id);
    const listing = await engine.exec(id, ['sh', '-c', 'cd /ctx && find . -type f | sort']);
    // The ignored Dockerfile was sent (the build read it), then the engine left it out of COPY, as Docker does.
    expect(listing.output.trim().split('\n')).toEqual(['./.dockerignore', './keep.log', './run.sh']);
    expect(await engine.exec(id, ['/ctx/run.sh'])).toEqual({ exitCode: 0, output: 'ran\n' });
    await engine.removeContainer(id, { force: true, removeVolumes: true });
  });

  it('a failing RUN fails the build with service-failed and the output tail', async () => {
    const ctx = path.join(tempDir, 'broken');
    await mkdir(ctx, { recursive: true });
    await writeFile(path.join(ctx, 'Dockerfile'), 'FROM devstack-standin/debian:bookworm\nRUN echo about to fail && exit 7\n');
    const err = await caught(
      engine.buildImage({ context: ctx, dockerfile: 'Dockerfile', tag: failingTag, args: {}, labels }, {}),
    );
    expect(err.kind).toBe('service-failed');
    expect(err.message).toMatch(new RegExp(`^build of ${failingTag} failed: .*returned a non-zero code: 7`));
    expect(err.details.join('\n')).toContain('about to fail');
    expect(await engine.imageExists(failingTag)).toBe(false);
  });

  it('pulling an image from an unreachable registry names the image', async () => {
    const err = await caught(engine.pullImage('nonexistent.invalid/foo:1', {}));
    expect(err.kind).toBe('engine');
    expect(err.message).toMatch(/^pull of nonexistent\.invalid\/foo:1 failed: .+/);
    expect(await engine.imageExists('nonexistent.invalid/foo:1')).toBe(false);
  });

  it('removes networks and volumes (twice)', async () => {
    for (const n of [netA, netB]) {
      await engine.removeNetwork(n);
      await engine.removeNetwork(n);
      expect(await engine.networkExists(n)).toBe(false);
    }
    await engine.removeVolume(volume);
    await engine.removeVolume(volume);
    expect(await engine.volumeExists(volume)).toBe(false);
  });
});
