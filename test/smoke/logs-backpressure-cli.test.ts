// `devstack logs -f` behind a slow reader (built CLI, real engine; fails without one): a container prints ~1.5 MB/s,
// devstack's stdout is a real pipe (a FIFO) read at ~10 KB/s. devstack's memory stays bounded (RSS from /proc),
// the reader going away ends devstack, and one Ctrl-C ends it while the pipe is full.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { BIN, devstack } from './support/cli.js';

const NAME = `dslogbp${Math.random().toString(36).slice(2, 8)}`;
// Bursts of 20 lines of 1000 characters, ~80 a second: ~1.5 MB/s of log (few enough lines for the engine's log
// file), in bursts smaller than the printer's write size, so that it keeps writing between them.
const COMPOSE = `services:
  flood:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "line=$$(printf '%01000d' 0); while :; do for i in {1..20}; do echo $$line; done; sleep 0.01; done"]
    stop_grace_period: 1s
  quiet:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "echo hello; exec sleep infinity"]
    stop_grace_period: 1s
`;
// Reads the FIFO 1 KB at a time, ten times a second.
const SLOW_READER = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'r');
const buf = Buffer.alloc(1024);
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) { if (fs.readSync(fd, buf, 0, 1024, null) === 0) break; Atomics.wait(pause, 0, 0, 100); }
`;
const MB = 1024 * 1024;
let dir: string;

const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/** devstack logs -f with its stdout on a FIFO that a slow reader reads. */
function logsIntoSlowReader(): { devstack: ChildProcess; reader: ChildProcess; exited: Promise<number | null> } {
  const fifo = join(dir, `pipe-${Math.random().toString(36).slice(2, 8)}`);
  execFileSync('mkfifo', [fifo]);
  const reader = spawn(process.execPath, ['-e', SLOW_READER, fifo], { stdio: 'ignore' });
  const fd = openSync(fifo, 'w'); // returns once the reader has opened its end
  const child = spawn(process.execPath, [BIN, 'logs', '-f', '-p', NAME, '--tail', '0'], {
    cwd: dir,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', fd, 'ignore'],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { devstack: child, reader, exited };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the exit code, or 'still running' once `limitMs` passed (a hang, not a speed goal). */
function exitOrHang(exited: Promise<number | null>, limitMs: number): Promise<number | null | 'still running'> {
  return Promise.race([exited, sleep(limitMs).then(() => 'still running' as const)]);
}

beforeAll(() => {
  docker(['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  const up = devstack(['up', '-p', NAME], { cwd: dir });
  expect(up.status, up.stderr).toBe(0);
});

afterAll(() => {
  const label = `label=${LABEL.project}=${NAME}`;
  for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
  for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('devstack logs -f behind a slow reader (built CLI, real engine)', () => {
  it('keeps its RSS under 100 MB for 60 s while the reader takes 10 KB/s, and ends when the reader goes away', async () => {
    const { devstack: child, reader, exited } = logsIntoSlowReader();
    const samples: number[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        await sleep(2000);
        expect(child.exitCode, 'devstack ended early').toBeNull();
        samples.push(rssBytes(child.pid!));
      }
    } finally {
      reader.kill('SIGKILL');
    }
    const peak = Math.max(...samples);
    expect(peak, `RSS samples (MB): ${samples.map((b) => (b / MB).toFixed(0)).join(' ')}`).toBeLessThan(100 * MB);
    expect(await exitOrHang(exited, 20_000)).toBe(0);
  });

  it('`logs -f quiet | head -1` ends once head has its line, though the service prints nothing more', async () => {
    const pipeline = spawn('bash', ['-c', `"${process.execPath}" "${BIN}" logs -f -p ${NAME} quiet | head -1`], {
      cwd: dir,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    pipeline.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => pipeline.on('exit', (code) => resolve(code)));
    try {
      expect(await exitOrHang(exited, 20_000)).toBe(0);
      expect(out).toBe('quiet-1 | hello\n');
    } finally {
      pipeline.kill('SIGKILL');
    }
  });

  it('ends at the first Ctrl-C (exit 0) while the reader has stopped reading and the pipe is full', async () => {
    const { devstack: child, reader, exited } = logsIntoSlowReader();
    try {
      await sleep(3000);
      reader.kill('SIGSTOP'); // a paused `less`: the pipe fills and stays full
      await sleep(3000);
      child.kill('SIGINT');
      expect(await exitOrHang(exited, 20_000)).toBe(0);
    } finally {
      reader.kill('SIGKILL');
      reader.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });
});
