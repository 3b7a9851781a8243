// The built CLI against the real engine: failures that waiting will not fix end `up` at once, named for what they
// are (a crash loop, a refused password), never "project is up" and never "raise --wait-timeout".
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, devstack } from './support/cli.js';
import { cliStacks, docker } from './support/stacks.js';

const { stateDir, stackDir, cleanup } = cliStacks('dshonest');
const env = { DEVSTACK_STATE_DIR: stateDir };

afterAll(cleanup);

describe('a crash-looping service fails up (built CLI, real engine)', () => {
  it.each(['unless-stopped', 'always', 'on-failure'])('restart: %s, a command that exits 1 at once', (policy) => {
    const { dir, name } = stackDir(
      `services:\n  loop:\n    image: devstack-standin/debian:bookworm\n    command: sh -c "echo boom-${policy}; exit 1"\n    restart: ${policy}\n`,
    );
    const up = devstack(['up', '-p', name, '--wait-timeout', '60'], { cwd: dir, env });
    expect(up.status, up.stdout + up.stderr).toBe(1);
    expect(up.stdout).not.toContain('is up');
    expect(up.stderr).toMatch(new RegExp(`error: loop is crash-looping: the engine restarted it \\d+ times \\(restart: ${policy}\\), last exit code 1`));
    expect(up.stderr).toContain(`| boom-${policy}`);
    expect(up.stderr).not.toContain('--wait-timeout');
    const restarts = Number(docker(['inspect', '--format', '{{.RestartCount}}', `${name}-loop-1`]));
    expect(restarts).toBeGreaterThanOrEqual(3);
  });
});

describe('answers that waiting will not change end up at once (built CLI, real engine)', () => {
  const postgres = (password: string) =>
    `services:\n  db:\n    image: postgres:16-alpine\n    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: ${password} }\n    volumes: [data:/var/lib/postgresql/data]\nvolumes:\n  data: {}\n`;

  it('a password changed after the volume was initialised (SQLSTATE 28P01) fails with what to do, not a timeout', () => {
    const { dir, name } = stackDir(postgres('first'));
    const first = devstack(['up', '-p', name], { cwd: dir, env });
    expect(first.status, first.stderr).toBe(0);
    expect(devstack(['down', '-p', name, '-t', '5'], { cwd: dir, env }).status).toBe(0);

    writeFileSync(join(dir, 'compose.yaml'), postgres('second'));
    const again = devstack(['up', '-p', name, '--wait-timeout', '120'], { cwd: dir, env });
    expect(again.status, again.stderr).toBe(1);
    expect(again.stderr).toContain('error: db answered password authentication failed for user "app" (SQLSTATE 28P01');
    expect(again.stderr).toContain('waiting will not change that');
    expect(again.stderr).toContain('devstack reset-db --from-scratch db');
    expect(again.stderr).toContain('devstack down -v');
    expect(again.stderr).not.toContain('--wait-timeout');
    console.log(`28P01 case: up exited ${again.status} after ${again.ms} ms (first up: ${first.ms} ms)`);
  });

  it('a postgres image run as a client through entrypoint: is not probed as a server', () => {
    const { dir, name } = stackDir(
      'services:\n  client:\n    image: postgres:16-alpine\n    entrypoint: ["sh", "-c", "echo psql would run here; exec sleep infinity"]\n',
    );
    const up = devstack(['up', '-p', name, '--json', '--wait-timeout', '20'], { cwd: dir, env });
    expect(up.status, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout.trim().split('\n').at(-1) as string) as { services: { service: string; probe: string }[] };
    expect(result.services).toEqual([expect.objectContaining({ service: 'client', probe: 'container running' })]);
  });
});

/** The built CLI, asynchronously: the test process keeps serving (a proxy, a fake engine) while it runs. */
function devstackAsync(args: string[], cwd: string, extraEnv: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started })));
}

/**
 * A unix socket that forwards to the real engine until the client starts a container, then (200 ms later) closes every
 * connection and its socket: to devstack, the engine is gone mid-`up`. The real engine is untouched.
 */
async function engineThatGoesAway(socketPath: string): Promise<{ close: () => void; closed: () => boolean }> {
  const connections = new Set<net.Socket>();
  let gone = false;
  const server = net.createServer((client) => {
    const engine = net.connect('/var/run/docker.sock');
    connections.add(client).add(engine);
    client.on('error', () => {});
    engine.on('error', () => {});
    client.on('data', (chunk: Buffer) => {
      if (/^POST \S*\/containers\/[^/]+\/start/m.test(chunk.toString('latin1'))) setTimeout(close, 200);
    });
    client.pipe(engine).pipe(client);
  });
  const close = () => {
    if (gone) return;
    gone = true;
    server.close();
    for (const c of connections) c.destroy();
  };
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { close, closed: () => gone };
}

describe('faults named for what they are (built CLI, real engine)', () => {
  it('the engine lost mid-up exits 4 with the engine message, not a service failure', async () => {
    const { dir, name } = stackDir(
      'services:\n  db:\n    image: postgres:16-alpine\n    environment: { POSTGRES_PASSWORD: pw }\n  app:\n    image: devstack-standin/debian:bookworm\n    command: sleep infinity\n    depends_on: { db: { condition: service_healthy } }\n',
    );
    const socketPath = join(dir, 'engine.sock');
    const proxy = await engineThatGoesAway(socketPath);
    try {
      const up = await devstackAsync(['up', '-p', name, '--wait-timeout', '60'], dir, { DOCKER_HOST: `unix://${socketPath}` });
      expect(proxy.closed()).toBe(true);
      expect(up.status, up.stderr).toBe(4);
      expect(up.stderr).toMatch(new RegExp(`error: .*Cannot reach a Docker Engine at unix://${socketPath} \\((connection reset|no such socket|connection refused)\\)`));
      expect(up.stderr).not.toContain('exit code ?');
      expect(up.stderr).not.toContain('fix the service');
    } finally {
      proxy.close();
    }
  });
});

describe('the port memory is a cache: a state path devstack cannot use costs a warning, not the run (built CLI, real engine)', () => {
  const freePort = async (): Promise<number> => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  };

  it('a remembered port of 99999 (corrupt state) is dropped with a warning; a FIFO or a file in the way neither hangs nor fails', async () => {
    const port = await freePort();
    const { dir, name } = stackDir(`services:\n  cache:\n    image: redis:7-alpine\n    ports: ["127.0.0.1:${port}:6379"]\n`);
    const state = join(dir, 'state');
    const memoryFile = join(state, 'ports', `${name}.json`);
    mkdirSync(join(state, 'ports'), { recursive: true });

    writeFileSync(memoryFile, JSON.stringify({ project: name, ports: { 'cache/6379/tcp': 99999 } }));
    const corrupt = devstack(['up', '-p', name], { cwd: dir, env: { DEVSTACK_STATE_DIR: state } });
    expect(corrupt.status, corrupt.stderr).toBe(0);
    expect(corrupt.stdout + corrupt.stderr).toContain(`warning: ignored remembered port 99999 for cache/6379/tcp (not a port number) in ${memoryFile}`);
    expect(corrupt.stdout).toContain(`127.0.0.1:${port}->6379/tcp`);

    rmSync(memoryFile, { force: true });
    execFileSync('mkfifo', [memoryFile]);
    const fifo = devstack(['up', '-p', name], { cwd: dir, env: { DEVSTACK_STATE_DIR: state } });
    expect(fifo.status, fifo.stderr).toBe(0);
    expect(fifo.stdout + fifo.stderr).toContain(`warning: ignored ${memoryFile}: not a regular file; remembered ports are not used`);
    expect(lstatSync(memoryFile).isFIFO()).toBe(true);

    const notADir = join(dir, 'compose.yaml');
    const blocked = devstack(['up', '-p', name], { cwd: dir, env: { DEVSTACK_STATE_DIR: notADir } });
    expect(blocked.status, blocked.stderr).toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain(`warning: cannot read ${join(notADir, 'ports', `${name}.json`)} (ENOTDIR)`);
  });
});

describe('DOCKER_HOST pointing at a web server that is not Docker (built CLI)', () => {
  it.each([404, 200])('HTTP %i with an HTML page: exit 4, the status and first line, not the page', async (status) => {
    const page = `<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n<body>${'lorem ipsum '.repeat(400)}</body></html>\n`;
    const server = http.createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const { dir, name } = stackDir('services:\n  cache:\n    image: redis:7-alpine\n');
      const up = await devstackAsync(['up', '-p', name], dir, { DOCKER_HOST: `tcp://127.0.0.1:${port}` });
      expect(up.status, up.stderr).toBe(4);
      expect(up.stderr).toContain(`error: Cannot reach a Docker Engine at tcp://127.0.0.1:${port} (a server answers there, but not Docker: HTTP ${status}: <!DOCTYPE html>`);
      expect(up.stderr).toContain('hint: DOCKER_HOST points at a server that is not a Docker Engine');
      expect(up.stderr).not.toContain('lorem ipsum');
      expect(up.stderr.length).toBeLessThan(600);
    } finally {
      server.close();
    }
  });
});
