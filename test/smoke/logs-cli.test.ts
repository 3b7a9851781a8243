// `devstack logs` through the built CLI on a real engine (fails, never skips, without one): a small stack
// whose containers print numbered lines, on stdout and stderr.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, devstack } from './support/cli.js';

const NAME = `dslogscli${Math.random().toString(36).slice(2, 8)}`;
const COMPOSE = `services:
  counter:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "echo boot; for i in $$(seq 1 20); do echo line $$i; done; exec sleep infinity"]
    stop_grace_period: 1s
  mixed:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "echo to-out; echo to-err >&2; exec sleep infinity"]
  chatty:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "seq 1 200000; exec sleep infinity"]
`;
let dir: string;

const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const logs = (args: string[], cwd = dir) => devstack(['logs', ...args], { cwd });

beforeAll(() => {
  docker(['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  const up = devstack(['up', '-p', NAME], { cwd: dir });
  expect(up.status, up.stderr).toBe(0);
  // The containers have printed everything once `seq` is done.
  for (let i = 0; i < 100 && !logs(['-p', NAME, '-n', '1', 'chatty']).stdout.includes('200000'); i++) spawnSync('sleep', ['0.1']);
});

afterAll(() => {
  const label = `label=com.docker.compose.project=${NAME}`;
  for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
  for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('devstack logs (built CLI, real engine)', () => {
  it('-n 5 prints exactly the last five lines, prefixed; --no-log-prefix drops the prefix', () => {
    const r = logs(['-p', NAME, '-n', '5', 'counter']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(['16', '17', '18', '19', '20'].map((n) => `counter-1 | line ${n}\n`).join(''));
    expect(logs(['-p', NAME, '-n', '2', '--no-log-prefix', 'counter']).stdout).toBe('line 19\nline 20\n');
  });

  it('--json prints one object per line and keeps stderr apart from stdout', () => {
    const r = logs(['-p', NAME, '--json', 'mixed']);
    expect(r.status, r.stderr).toBe(0);
    const objects = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    // Two pipes inside the container: which line the engine stamped first is not fixed.
    expect(objects.map((o) => `${o.stream}:${o.text}`).sort()).toEqual(['stderr:to-err', 'stdout:to-out']);
    expect(objects[0]).toMatchObject({ service: 'mixed', container: `${NAME}-mixed-1` });
    expect(objects[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
  });

  it('works without a compose file when -p names the project', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), `${NAME}-empty-`));
    try {
      const r = logs(['-p', NAME, '-n', '1', 'counter', 'chatty'], elsewhere);
      expect(r.status, r.stderr).toBe(0);
      // Prefixes are padded to the longest service seen so far (no compose file tells them up front).
      expect(r.stdout.split('\n').filter(Boolean).map((l) => l.replace(/ +\|/, ' |')).sort()).toEqual(['chatty-1 | 200000', 'counter-1 | line 20']);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('`logs | head -1` ends quietly with exit 0 (200000 lines, the reader goes away)', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" logs -p ${NAME} chatty | head -1; echo "status=\${PIPESTATUS[0]}" >&2`], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    expect(r.stdout).toBe('chatty-1  | 1\n');
    expect(r.stderr).toContain('status=0');
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at |error/i);
  });

  it('an unknown service is exit code 8 with the project\'s services listed', () => {
    const r = logs(['-p', NAME, 'nope']);
    expect(r.status).toBe(8);
    expect(r.stderr).toContain('No service "nope" in this project.');
    expect(r.stderr).toContain('hint: The project\'s services: chatty, counter, mixed.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('-f picks up the lines printed after `docker restart`, without repeating the old ones; Ctrl-C exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'logs', '-p', NAME, '-f', '-n', '0', '--no-log-prefix', 'counter'], {
      cwd: dir,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Following has begun once a line written now reaches it (with -n 0 the older lines never do): write one
    // to the container's log (PID 1's stdout) until it shows, then restart.
    const attachDeadline = Date.now() + 20_000;
    while (!out.includes('attached\n') && Date.now() < attachDeadline) {
      docker(['exec', `${NAME}-counter-1`, 'sh', '-c', 'echo attached > /proc/1/fd/1']);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toMatch(/^(attached\n)+$/);
    docker(['restart', '-t', '1', `${NAME}-counter-1`]);
    const deadline = Date.now() + 20_000;
    while (!out.includes('line 20\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.replace(/^(attached\n)+/, '')).toBe(`boot\n${Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join('')}`);
  });
});
