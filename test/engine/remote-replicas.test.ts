// Replicas on a remote engine (the second dockerd of scripts/remote-engine.sh, over ssh://): `scale: 3` runs three
// containers there, each published on its own port of a host range and a fixed port moved for replicas 2 and 3 as
// the remote engine's own published ports dictate (this host's ports say nothing about it), each probed ready
// through ssh; `ps` lists the three, `down --volumes` removes them. Fails, never skips, without that engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from '../smoke/support/cli.js';
import { loadRemote, remoteDocker, removeRemoteProject, uniqueProject, type Remote } from './support/remote-engine.js';

const TIMEOUT = 240_000;
let remote: Remote;
let dir: string;
const project = uniqueProject('dsremrepl');
const foreign = `${project}-foreign`;

beforeAll(() => {
  remote = loadRemote();
  dir = mkdtempSync(path.join(tmpdir(), 'devstack-remote-replicas-'));
});

afterAll(() => {
  if (remote) {
    removeRemoteProject(remote, project);
    remoteDocker(remote, 'rm', '-f', '--volumes', foreign);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a scaled service on a remote engine over ssh://', () => {
  it('scale 3: a port of the range each, the fixed port moved for 2 and 3 past what the engine host holds; ps lists 3; down --volumes', async () => {
    const start = 21000 + Math.floor(Math.random() * 8000);
    const fixed = start + 10;
    // On the engine host: a foreign container publishes fixed+1 (planning sees it in the engine's published ports)
    // and a plain process holds start+1, replica 2's port of the range (only the engine's start can tell).
    remoteDocker(remote, 'run', '-d', '--name', foreign, '-p', `127.0.0.1:${fixed + 1}:6379`, 'redis:7-alpine');
    const holder = await holdOnEngineHost(start + 1);
    // This host's own ports say nothing about the engine host's: fixed+2 held here stays usable there.
    const local = await holdHere(fixed + 2);
    try {
      writeFileSync(
        path.join(dir, 'compose.yaml'),
        `services:
  cache:
    image: redis:7-alpine
    scale: 3
    ports: ["${start}-${start + 2}:6379", "${fixed}:6380"]
`,
      );
      const env = { DOCKER_HOST: remote.sshHost };
      const up = devstack(['up', '-p', project], { cwd: dir, env });
      expect(up.status, up.stderr).toBe(0);
      expect(up.stderr).toContain(`cache-2 ${fixed} -> ${fixed + 2} (${fixed} taken by replica cache-1)`);
      expect(up.stderr).toContain(`cache-3 ${fixed} -> ${fixed + 3} (${fixed} taken by replica cache-1)`);
      expect(up.stderr).toMatch(new RegExp(`cache-2 ${start + 1} -> ${start + 3} \\(${start + 1} was taken while starting\\)`));
      expect(up.stderr).toMatch(/cache ready \(redis .* on the engine host, through ssh\)/);

      const names = remoteDocker(remote, 'ps', '--filter', `label=${LABEL.project}=${project}`, '--format', `{{.Names}} {{.Label "${LABEL.containerNumber}"}}`).split('\n').sort();
      expect(names).toEqual([1, 2, 3].map((n) => `${project}-cache-${n} ${n}`));
      const port = (n: number, containerPort: string) => remoteDocker(remote, 'port', `${project}-cache-${n}`, containerPort);
      expect([1, 2, 3].map((n) => port(n, '6379/tcp'))).toEqual([`127.0.0.1:${start}`, `127.0.0.1:${start + 3}`, `127.0.0.1:${start + 2}`]);
      expect([1, 2, 3].map((n) => port(n, '6380/tcp'))).toEqual([`127.0.0.1:${fixed}`, `127.0.0.1:${fixed + 2}`, `127.0.0.1:${fixed + 3}`]);

      const ps = devstack(['ps', '-p', project, '--json'], { cwd: dir, env });
      expect(ps.status, ps.stderr).toBe(0);
      const rows = JSON.parse(ps.stdout) as { service: string; container: string; state: string }[];
      expect(rows.map((r) => [r.service, r.container, r.state])).toEqual([1, 2, 3].map((n) => ['cache', `${project}-cache-${n}`, 'running']));

      const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd: dir, env });
      expect(down.status, down.stderr).toBe(0);
      expect(remoteDocker(remote, 'ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
      expect(remoteDocker(remote, 'volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
    } finally {
      holder.kill();
      local.close();
    }
  }, TIMEOUT);
});

/** A process listening on the engine host's 127.0.0.1:port (in its network namespace), not a container. */
async function holdOnEngineHost(port: number): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', remote.namespace, process.execPath, '-e', `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('held'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the holder of ${port} on the engine host exited (${code})`)));
  });
  return child;
}

function holdHere(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
