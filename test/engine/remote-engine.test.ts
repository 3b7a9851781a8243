// A remote engine, for real: the second dockerd that scripts/remote-engine.sh runs in its own network namespace,
// reached over ssh:// (the system ssh running docker system dial-stdio) and through contexts made by the docker
// CLI (`docker context create`). Fails, never skips, when that engine is not there.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BIN, devstack } from '../smoke/support/cli.js';

interface Remote {
  address: string;
  socket: string;
  sshHost: string;
  sshWrongKeyHost: string;
  tlsHost: string;
  tlsCertPath: string;
}

const REMOTE_JSON = '/var/lib/devstack-remote/remote.json';
let remote: Remote;
let dir: string;
let dockerConfig: string;
const projects: string[] = [];

function remoteDocker(...args: string[]): string {
  return execFileSync('docker', ['-H', remote.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function localDocker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function removeEverywhere(project: string): void {
  for (const run of [remoteDocker, localDocker]) {
    const ids = run('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`).split('\n').filter(Boolean);
    if (ids.length > 0) run('rm', '-f', '-v', ...ids);
    const volumes = run('volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`).split('\n').filter(Boolean);
    if (volumes.length > 0) run('volume', 'rm', '-f', ...volumes);
    const networks = run('network', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`).split('\n').filter(Boolean);
    if (networks.length > 0) run('network', 'rm', ...networks);
  }
}

function newProject(): string {
  const name = `dsremote-${randomBytes(4).toString('hex')}`;
  projects.push(name);
  return name;
}

function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 9000);
}

/** A small stack: Postgres with a volume, and Redis; `hostIp` is where ports are published on the engine host. */
function writeStack(project: string, ports: { db: number; cache: number }, hostIp = ''): string {
  const folder = path.join(dir, project);
  execFileSync('mkdir', ['-p', folder]);
  const at = hostIp === '' ? '' : `${hostIp}:`;
  writeFileSync(
    path.join(folder, 'compose.yaml'),
    `services:
  db:
    image: postgres:16-alpine
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: secret, POSTGRES_DB: app }
    ports: ["${at}${ports.db}:5432"]
    volumes: [dbdata:/var/lib/postgresql/data]
  cache:
    image: redis:7-alpine
    ports: ["${at}${ports.cache}:6379"]
volumes:
  dbdata:
`,
  );
  return folder;
}

/** Holds a port on this host's loopback with a server that accepts and says nothing: a probe dialing it never succeeds. */
function holdLocalPort(port: number): Promise<net.Server> {
  const server = net.createServer((socket) => socket.on('error', () => undefined));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Whether something listens on this host's 127.0.0.1:port. */
function listensHere(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Asks Postgres on this host's 127.0.0.1:port. */
async function askPostgres(port: number): Promise<unknown[]> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'app', password: 'secret', database: 'app' });
  await client.connect();
  try {
    return (await client.query('SELECT 42 AS answer')).rows;
  } finally {
    await client.end();
  }
}

/** Runs `devstack forward` until it says it forwards, runs `use`, then Ctrl-C; `closed` lists the ports that no longer answer here after. */
async function whileForwarding<T>(cwd: string, args: string[], env: Record<string, string | undefined>, ports: number[], use: () => Promise<T>): Promise<{ output: string; answer: T; exitCode: number | null; closed: number[] }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ctrl-C stops')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => reject(new Error(`devstack forward ended (${code}): ${output}`)));
    });
    const answer = await use();
    child.kill('SIGINT');
    const exitCode = await exited;
    const closed: number[] = [];
    for (const port of ports) if (!(await listensHere(port))) closed.push(port);
    return { output, answer, exitCode, closed };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

beforeAll(() => {
  remote = JSON.parse(readFileSync(REMOTE_JSON, 'utf8')) as Remote; // missing: run npm run remote-engine (fails the file)
  remoteDocker('version', '--format', '{{.Server.Version}}');
  dir = mkdtempSync(path.join(tmpdir(), 'devstack-remote-'));
  dockerConfig = mkdtempSync(path.join(tmpdir(), 'devstack-docker-config-'));
  // Contexts as a user makes them, with the docker CLI, in a config folder of our own.
  const cli = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, stdio: 'pipe' });
  cli('context', 'create', 'devbox', '--docker', `host=${remote.sshHost}`);
  const certs = remote.tlsCertPath;
  cli('context', 'create', 'devbox-tls', '--docker', `host=${remote.tlsHost},ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`);
});

afterAll(() => {
  for (const project of projects) removeEverywhere(project);
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
});

describe('a remote engine over ssh://', () => {
  it('up reaches ready with probes through ssh, not this host\'s loopback; ps, logs, ports, a remote port remapped, down --volumes', async () => {
    const project = newProject();
    const ports = { db: randomPort(), cache: randomPort() + 10000 };
    // A foreign container on the remote host holds the cache's port: planning must see it there and remap.
    const foreign = `${project}-foreign`;
    remoteDocker('run', '-d', '--name', foreign, '-p', `127.0.0.1:${ports.cache}:6379`, 'redis:7-alpine');
    // This host's loopback holds the db port with a silent server: a probe dialing 127.0.0.1 here would never pass.
    const decoy = await holdLocalPort(ports.db);
    try {
      const cwd = writeStack(project, ports);
      const env = { DOCKER_HOST: remote.sshHost };
      const up = devstack(['up', '-p', project], { cwd, env });
      expect(up.stderr + up.stdout).toMatch(/db\s+ready|project .* is up/);
      expect(up.status, up.stderr).toBe(0);
      expect(up.stderr).toContain(`db ready (postgres SELECT 1 at 127.0.0.1:${ports.db} as app/app on the engine host, through ssh)`);
      expect(up.stderr).toMatch(new RegExp(`cache ${ports.cache} -> \\d+`));
      // Everything is on the remote engine; nothing of the project on this host's engine.
      expect(remoteDocker('ps', '--filter', `label=${LABEL.project}=${project}`, '--format', '{{.Names}}').split('\n').sort()).toEqual([`${project}-cache-1`, `${project}-db-1`]);
      expect(localDocker('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');

      const ps = devstack(['ps', '-p', project], { cwd, env });
      expect(ps.status, ps.stderr).toBe(0);
      expect(ps.stdout).toMatch(new RegExp(`db\\s+${project}-db-1\\s+running`));
      const logs = devstack(['logs', '-p', project, 'db'], { cwd, env });
      expect(logs.status, logs.stderr).toBe(0);
      expect(logs.stdout).toContain('database system is ready to accept connections');
      const portsOut = devstack(['ports', '-p', project], { cwd, env });
      expect(portsOut.stdout).toContain(`5432/tcp -> 127.0.0.1:${ports.db}`);
      expect(portsOut.stdout).not.toContain(`-> 127.0.0.1:${ports.cache}\n`);
      expect(portsOut.stderr).toContain('these 127.0.0.1 addresses answer here while `devstack forward` runs');
      const envOut = devstack(['env', '-p', project], { cwd, env });
      expect(envOut.stdout).toContain(`DATABASE_URL=postgresql://app:secret@127.0.0.1:${ports.db}/app`);
      expect(envOut.stderr).toContain('`devstack forward`');

      // forward: Postgres answers on this host's loopback at the port the project publishes.
      decoy.close();
      const forwarded = await whileForwarding(cwd, ['forward', '-p', project], env, [ports.db], () => askPostgres(ports.db));
      expect(forwarded.output).toMatch(new RegExp(`db\\s+5432/tcp  127\\.0\\.0\\.1:${ports.db} -> engine host 127\\.0\\.0\\.1:${ports.db} via ssh`));
      expect(forwarded.answer).toEqual([{ answer: 42 }]);
      expect(forwarded.exitCode).toBe(0);
      expect(forwarded.closed).toEqual([ports.db]);

      const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd, env });
      expect(down.status, down.stderr).toBe(0);
      expect(remoteDocker('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
      expect(remoteDocker('volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
      // The foreign container is not ours: still there.
      expect(remoteDocker('ps', '--filter', `name=${foreign}`, '--format', '{{.Names}}')).toBe(foreign);
    } finally {
      decoy.close();
      remoteDocker('rm', '-f', foreign);
    }
  });
});

describe('bind mounts on a remote engine', () => {
  it('a project folder is copied into a project volume (.dockerignore honoured); down --volumes removes it', () => {
    const project = newProject();
    const cwd = path.join(dir, project);
    mkdirSync(path.join(cwd, 'init', 'node_modules'), { recursive: true });
    writeFileSync(path.join(cwd, 'init', '01.sql'), "CREATE TABLE seeded (v text); INSERT INTO seeded VALUES ('from this host');\n");
    writeFileSync(path.join(cwd, 'init', 'node_modules', 'ignored.sql'), 'SELECT broken syntax;\n');
    writeFileSync(path.join(cwd, 'init', '.dockerignore'), 'node_modules\n');
    writeFileSync(
      path.join(cwd, 'compose.yaml'),
      'services:\n  db:\n    image: postgres:16-alpine\n    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: secret, POSTGRES_DB: app }\n    volumes: ["./init:/docker-entrypoint-initdb.d:ro"]\n',
    );
    const env = { DOCKER_HOST: remote.sshHost };
    const up = devstack(['up', '-p', project], { cwd, env });
    expect(up.status, up.stderr).toBe(0);
    // The container's init folder is a volume (not a bind of a path on the engine host) holding what this host has.
    const mounts = JSON.parse(remoteDocker('inspect', '--format', '{{json .Mounts}}', `${project}-db-1`)) as { Type: string; Name?: string; Destination: string }[];
    const init = mounts.find((m) => m.Destination === '/docker-entrypoint-initdb.d');
    expect(init?.Type).toBe('volume');
    expect(init?.Name).toMatch(new RegExp(`^${project}_bind_init_[0-9a-f]{8}$`));
    expect(remoteDocker('exec', `${project}-db-1`, 'ls', '-A', '/docker-entrypoint-initdb.d').split('\n').sort()).toEqual(['.dockerignore', '01.sql']);
    expect(remoteDocker('exec', `${project}-db-1`, 'psql', '-U', 'app', '-d', 'app', '-tAc', 'SELECT v FROM seeded')).toBe('from this host');
    const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd, env });
    expect(down.status, down.stderr).toBe(0);
    expect(remoteDocker('volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
    expect(remoteDocker('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
  });

  it('a path outside the project or a socket: a located error before anything starts', () => {
    const project = newProject();
    const cwd = path.join(dir, project);
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(cwd, 'compose.yaml'), 'services:\n  cache:\n    image: redis:7-alpine\n    volumes: ["/etc:/host-etc:ro"]\n');
    const up = devstack(['up', '-p', project], { cwd, env: { DOCKER_HOST: remote.sshHost } });
    expect(up.status).toBe(3);
    expect(up.stderr).toContain(`${path.join(cwd, 'compose.yaml')}:4:15: service cache: bind mount /etc:/host-etc is outside the project folder`);
    expect(remoteDocker('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
  });
});

describe('a remote engine through docker contexts', () => {
  it('--context, DOCKER_CONTEXT and `docker context use` each pick the context; doctor says which and why', () => {
    const env = { DOCKER_CONFIG: dockerConfig, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };
    const doctorFlag = devstack(['doctor', '--context', 'devbox'], { cwd: dir, env });
    expect(doctorFlag.stdout).toContain(`engine: context devbox (from --context) → ${remote.sshHost}`);
    expect(doctorFlag.stdout).toMatch(/ok\s+engine\s+Docker Engine 20\.10/);
    const doctorEnv = devstack(['doctor'], { cwd: dir, env: { ...env, DOCKER_CONTEXT: 'devbox-tls' } });
    expect(doctorEnv.stdout).toContain(`engine: context devbox-tls (from DOCKER_CONTEXT) → ${remote.tlsHost}`);
    expect(doctorEnv.stdout).toMatch(/ok\s+engine\s+Docker Engine 20\.10/);
    execFileSync('docker', ['context', 'use', 'devbox'], { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, stdio: 'pipe' });
    try {
      const doctorCurrent = devstack(['doctor'], { cwd: dir, env });
      expect(doctorCurrent.stdout).toContain(`engine: context devbox (from current context) → ${remote.sshHost}`);
    } finally {
      execFileSync('docker', ['context', 'use', 'default'], { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, stdio: 'pipe' });
    }
  });

  it('up through a tcp+TLS context: probes dial the engine host for ports published on all its addresses; down --volumes', () => {
    const project = newProject();
    const ports = { db: randomPort(), cache: randomPort() + 10000 };
    const cwd = writeStack(project, ports, '0.0.0.0');
    const env = { DOCKER_CONFIG: dockerConfig, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };
    const up = devstack(['up', '-p', project, '--context', 'devbox-tls'], { cwd, env });
    expect(up.status, up.stderr).toBe(0);
    expect(up.stderr).toContain(`db ready (postgres SELECT 1 at ${remote.address}:${ports.db} as app/app)`);
    expect(up.stderr).toContain(`cache ready (redis PING at ${remote.address}:${ports.cache})`);
    // ports and env give the engine host's address: that is what works from here.
    const portsOut = devstack(['ports', '-p', project, '--context', 'devbox-tls'], { cwd, env });
    expect(portsOut.stdout).toContain(`5432/tcp -> ${remote.address}:${ports.db}`);
    const envOut = devstack(['env', '-p', project, '--context', 'devbox-tls'], { cwd, env });
    expect(envOut.stdout).toContain(`DATABASE_URL=postgresql://app:secret@${remote.address}:${ports.db}/app`);
    expect(envOut.stdout).toContain(`REDIS_URL=redis://${remote.address}:${ports.cache}`);
    const ps = devstack(['ps', '-p', project, '--context', 'devbox-tls'], { cwd, env });
    expect(ps.stdout).toMatch(new RegExp(`cache\\s+${project}-cache-1\\s+running`));
    const down = devstack(['down', '-p', project, '--volumes', '--yes', '--context', 'devbox-tls'], { cwd, env });
    expect(down.status, down.stderr).toBe(0);
    expect(remoteDocker('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
  });
});

describe('a tcp engine, ports on its loopback only', () => {
  it('up reaches ready with probes through an exec in each container; forward through execs too; down --volumes', async () => {
    const project = newProject();
    const ports = { db: randomPort(), cache: randomPort() + 10000 };
    const cwd = writeStack(project, ports); // devstack's default host address: the engine host's 127.0.0.1
    const env = { DOCKER_HOST: remote.tlsHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: remote.tlsCertPath, DOCKER_CONTEXT: undefined };
    const up = devstack(['up', '-p', project], { cwd, env });
    expect(up.status, up.stderr).toBe(0);
    expect(up.stderr).toContain('db ready (postgres SELECT 1 at 127.0.0.1:5432 as app/app inside the container, through an exec)');
    expect(up.stderr).toContain('cache ready (redis PING at 127.0.0.1:6379 inside the container, through an exec)');
    const envOut = devstack(['env', '-p', project], { cwd, env });
    expect(envOut.stdout).toContain(`DATABASE_URL=postgresql://app:secret@127.0.0.1:${ports.db}/app`);
    expect(envOut.stderr).toContain('these 127.0.0.1 addresses answer here while `devstack forward` runs');

    // forward: each port on this host's loopback, every connection an exec in the service's container.
    const forwarded = await whileForwarding(cwd, ['forward', '-p', project], env, [ports.db, ports.cache], async () => {
      const redis = new Redis({ host: '127.0.0.1', port: ports.cache, lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await redis.connect();
        return { db: await askPostgres(ports.db), cache: [await redis.set('forwarded', 'yes'), await redis.get('forwarded')] };
      } finally {
        redis.disconnect();
      }
    });
    expect(forwarded.output).toMatch(new RegExp(`db\\s+5432/tcp  127\\.0\\.0\\.1:${ports.db} -> engine host 127\\.0\\.0\\.1:${ports.db} via exec in the container\\n`));
    expect(forwarded.output).toMatch(new RegExp(`cache\\s+6379/tcp  127\\.0\\.0\\.1:${ports.cache} -> engine host 127\\.0\\.0\\.1:${ports.cache} via exec in the container\\n`));
    expect(forwarded.answer).toEqual({ db: [{ answer: 42 }], cache: ['OK', 'yes'] });
    expect(forwarded.exitCode).toBe(0);
    expect(forwarded.closed).toEqual([ports.db, ports.cache]);
    const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd, env });
    expect(down.status, down.stderr).toBe(0);
    expect(remoteDocker('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
  });
});

describe('a remote engine that cannot be reached: one clear error, exit 4', () => {
  it.each([
    ['an unknown context', ['--context', 'no-such-context'], {}, /Docker context "no-such-context" \(from --context\) does not exist/],
    ['a closed ssh port', [], { sshPort: 2222 }, /Cannot reach a Docker Engine at ssh:\/\/root@[\d.]+:2222 \(ssh: connect to host [\d.]+ port 2222: Connection refused\)/],
    ['a closed tcp port', [], { tcpPort: 2399 }, /Cannot reach a Docker Engine at tcp:\/\/[\d.]+:2399 \(connection refused\)/],
    ['a key the remote refuses', [], { wrongKey: true }, /Cannot reach a Docker Engine at ssh:\/\/root@devstack-r-wrongkey \(ssh: root@[\d.]+: Permission denied \(publickey\)\.\)/],
  ])('%s', (_what, args, how, message) => {
    const h = how as { sshPort?: number; tcpPort?: number; wrongKey?: boolean };
    const host = h.sshPort ? `${remote.sshHost}:${h.sshPort}` : h.tcpPort ? `tcp://${remote.address}:${h.tcpPort}` : h.wrongKey ? remote.sshWrongKeyHost : undefined;
    const r = devstack(['ps', '-p', 'dsremote-none', ...args], { cwd: dir, env: { DOCKER_CONFIG: dockerConfig, DOCKER_HOST: host, DOCKER_CONTEXT: undefined } });
    expect(r.status, r.stderr).toBe(4);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
