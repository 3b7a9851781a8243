// A scaled service through the built CLI on the real engine: `scale: 3` runs three containers numbered 1..3 (each
// on one port of a host range, a fixed host port remapped for replicas 2 and 3, each with its own anonymous
// volume), `ps` and `logs` show every replica, a recreate keeps each replica's data, and `--scale web=1` removes
// replicas 3 and 2 while their volumes stay.
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack, devstackChild } from '../smoke/support/cli.js';
import { docker, removeProjectObjects, uniqueName } from './support/real-stack.js';

const TIMEOUT = 240_000;
const dir = mkdtempSync(join(tmpdir(), 'dsreplicas-'));
const name = uniqueName('dsreplicas');
/** Every volume the replicas mounted: the test's to remove (anonymous ones carry no project label). */
const volumes = new Set<string>();
let rangeStart = 0;
let fixedPort = 0;

const SERVER = "require('http').createServer((q, r) => r.end(require('os').hostname())).listen(80, () => console.log('listening on 80'))";

/** `healthy`: a healthcheck that fails where the replica's volume holds /data/broken. */
function compose(mark: string, healthy = false): void {
  writeFileSync(
    join(dir, 'compose.yaml'),
    `services:
  cache:
    image: redis:7-alpine
  web:
    image: node:20-alpine
    command: ["node", "-e", "${SERVER}"]
    scale: 3
    environment:
      MARK: "${mark}"
    ports: ["${rangeStart}-${rangeStart + 2}:80", "${fixedPort}:81"]
    volumes: ["/data"]
    depends_on:
      cache: { condition: service_healthy }
${healthy ? '    healthcheck: { test: ["CMD", "sh", "-c", "test ! -f /data/broken"], interval: 500ms, timeout: 2s, retries: 2 }\n' : ''}    develop:
      watch:
        - { action: sync, path: ./src, target: /app/src }
`,
  );
}

const up = (...args: string[]) => devstack(['up', '-p', name, ...args], { cwd: dir });
const webContainers = () =>
  docker(['ps', '-a', '--filter', `label=${LABEL.project}=${name}`, '--filter', `label=${LABEL.service}=web`, '--format', `{{.Names}} {{.Label "${LABEL.containerNumber}"}} {{.State}}`])
    .split('\n')
    .filter(Boolean)
    .sort();
const dataVolume = (container: string) => docker(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Name}}{{end}}{{end}}', container]);

/** `count` consecutive host ports free now (each checked by binding it). */
async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20000 + Math.floor(Math.random() * 20000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isFree(start + i)));
    if (free.every(Boolean)) return start;
  }
  throw new Error('no free host port range found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

beforeAll(async () => {
  rangeStart = await freePorts(7);
  fixedPort = rangeStart + 4;
  mkdirSync(join(dir, 'src'));
  compose('a');
});

afterAll(() => {
  removeProjectObjects(name);
  for (const v of volumes) spawnSync('docker', ['volume', 'rm', v], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

describe('a scaled service (real engine, built CLI)', () => {
  it('runs three replicas numbered 1..3, one port of the range each, the fixed port remapped for 2 and 3', async () => {
    const r = up();
    expect(r.status, r.stderr).toBe(0);
    expect(webContainers()).toEqual([`${name}-web-1 1 running`, `${name}-web-2 2 running`, `${name}-web-3 3 running`]);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(new RegExp(`web-2 ${fixedPort} -> \\d+ \\(${fixedPort} taken by replica web-1\\)`));
    expect(out).toMatch(new RegExp(`web-3 ${fixedPort} -> \\d+ \\(${fixedPort} taken by replica web-1\\)`));
    expect(r.stdout).toMatch(/^ {2}web +create +ready via .*\(3 replicas\) {2}127\.0\.0\.1:/m);

    // Each replica answers on its own port of the range, with its own hostname (container id).
    const hostnames = new Set<string>();
    for (let n = 1; n <= 3; n++) {
      const container = `${name}-web-${n}`;
      expect(docker(['port', container, '80/tcp'])).toBe(`127.0.0.1:${rangeStart + n - 1}`);
      hostnames.add(await (await fetch(`http://127.0.0.1:${rangeStart + n - 1}/`)).text());
      volumes.add(dataVolume(container));
    }
    expect(hostnames.size).toBe(3);
    expect(volumes.size).toBe(3);

    const ps = devstack(['ps', '-p', name, '--json'], { cwd: dir });
    expect(ps.status, ps.stderr).toBe(0);
    const rows = (JSON.parse(ps.stdout) as { service: string; container: string; state: string; ports: { hostPort: number; containerPort: number }[] }[]).filter((row) => row.service === 'web');
    expect(rows.map((row) => [row.container, row.state])).toEqual([1, 2, 3].map((n) => [`${name}-web-${n}`, 'running']));
    expect(rows.map((row) => row.ports.find((p) => p.containerPort === 80)?.hostPort)).toEqual([rangeStart, rangeStart + 1, rangeStart + 2]);
  }, TIMEOUT);

  it('prefixes the log lines of each replica with web-n', () => {
    const r = devstack(['logs', '-p', name, 'web'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    for (let n = 1; n <= 3; n++) expect(r.stdout).toMatch(new RegExp(`^web-${n} +\\| listening on 80$`, 'm'));
  }, TIMEOUT);

  it('watch syncs a changed file into every replica', async () => {
    const watch = devstackChild(['watch', '-p', name], dir);
    let output = '';
    const exited = new Promise((resolve) => watch.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          if (/watching/.test(output)) resolve();
        };
        watch.stdout?.on('data', onData);
        watch.stderr?.on('data', onData);
        watch.once('exit', (code) => reject(new Error(`devstack watch ended (${code}) before watching: ${output}`)));
      });
      writeFileSync(join(dir, 'src', 'hello.txt'), 'hello replicas\n');
      for (let n = 1; n <= 3; n++) {
        const container = `${name}-web-${n}`;
        const started = Date.now();
        let seen = '';
        while (Date.now() - started < 15_000 && seen !== 'hello replicas') {
          seen = spawnSync('docker', ['exec', container, 'cat', '/app/src/hello.txt'], { encoding: 'utf8' }).stdout.trim();
          if (seen !== 'hello replicas') await new Promise((r) => setTimeout(r, 100));
        }
        expect(seen, `${container}: ${output}`).toBe('hello replicas');
      }
    } finally {
      watch.kill('SIGINT');
      await exited;
    }
  }, TIMEOUT);

  it('keeps each replica its anonymous volume and data through a recreate', () => {
    for (let n = 1; n <= 3; n++) docker(['exec', `${name}-web-${n}`, 'sh', '-c', `echo replica-${n} > /data/mark`]);
    const before = [1, 2, 3].map((n) => docker(['inspect', '-f', '{{.Id}}', `${name}-web-${n}`]));
    compose('b');
    const r = up();
    expect(r.status, r.stderr).toBe(0);
    for (let n = 1; n <= 3; n++) {
      const container = `${name}-web-${n}`;
      expect(docker(['inspect', '-f', '{{.Id}}', container])).not.toBe(before[n - 1]);
      expect(docker(['exec', container, 'cat', '/data/mark'])).toBe(`replica-${n}`);
      expect(volumes.has(dataVolume(container))).toBe(true);
    }
    expect(webContainers()).toHaveLength(3);
  }, TIMEOUT);

  it('fails up when one replica is not ready, naming it', () => {
    docker(['exec', `${name}-web-2`, 'touch', '/data/broken']);
    compose('b', true);
    const r = up('--wait-timeout', '60');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/web-2 is unhealthy/);
    expect(r.stderr).not.toMatch(/web-[13] is unhealthy/);
    docker(['exec', `${name}-web-2`, 'rm', '/data/broken']);
  }, TIMEOUT);

  it('scales down with --scale web=1: replicas 2 and 3 go, their volumes stay', () => {
    const r = up('--scale', 'web=1');
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain(`web: removing ${name}-web-2 (replica 2; scale is now 1; volumes kept)`);
    expect(out).toContain(`web: removing ${name}-web-3 (replica 3; scale is now 1; volumes kept)`);
    expect(webContainers()).toEqual([`${name}-web-1 1 running`]);
    for (const v of volumes) expect(docker(['volume', 'inspect', '-f', '{{.Name}}', v])).toBe(v);
    expect(docker(['exec', `${name}-web-1`, 'cat', '/data/mark'])).toBe('replica-1');
  }, TIMEOUT);
});
