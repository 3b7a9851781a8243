// Secrets devstack knows of stay masked wherever it prints values (built CLI, real engine; fails without one): the
// port-remap notice (text and --json) and a failing service's replayed log lines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from './support/cli.js';

const projects: string[] = [];
const dirs: string[] = [];
const stateDir = mkdtempSync(join(tmpdir(), 'dsmask-state-'));
const env = { DEVSTACK_STATE_DIR: stateDir };
const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
let holder: Server;
let takenPort: number;

function stackDir(compose: string): { dir: string; name: string } {
  const name = `dsmask${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  projects.push(name);
  dirs.push(dir);
  return { dir, name };
}

beforeAll(async () => {
  docker(['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  takenPort = (holder.address() as { port: number }).port;
});

afterAll(async () => {
  for (const name of projects) {
    const label = `label=${LABEL.project}=${name}`;
    for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
    for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
  await new Promise((r) => holder.close(r));
});

describe('secret masking (built CLI, real engine)', () => {
  it('the port-remap notice masks the password in a URL and a secret-named value, in text and --json', () => {
    const { dir, name } = stackDir(`services:
  web:
    image: devstack-standin/debian:bookworm
    command: ["sleep", "infinity"]
    stop_grace_period: 1s
    ports: ["${takenPort}:8080"]
    environment:
      DATABASE_URL: postgresql://app:S3cretPw1@localhost:${takenPort}/app
      API_TOKEN: http://localhost:${takenPort}/hook
      PUBLIC_URL: http://localhost:${takenPort}/
`);
    const json = devstack(['up', '-p', name, '--json'], { cwd: dir, env });
    expect(json.status, json.stderr).toBe(0);
    const notices = json.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; message?: string }).filter((e) => e.type === 'notice').map((e) => e.message ?? '');
    expect(notices).toContainEqual(expect.stringMatching(/^web: DATABASE_URL=postgresql:\/\/app:\*{8}@localhost:\d+\/app \(was postgresql:\/\/app:\*{8}@localhost:\d+\/app\)$/));
    expect(notices).toContainEqual('web: API_TOKEN now points at the moved port (its value is secret; `devstack config --show-secrets` shows it)');
    expect(notices).toContainEqual(expect.stringMatching(/^web: PUBLIC_URL=http:\/\/localhost:\d+\/ \(was http:\/\/localhost:\d+\/\)$/));
    expect(json.stdout + json.stderr).not.toContain('S3cretPw1');
    expect(devstack(['down', '-p', name], { cwd: dir, env }).status).toBe(0);

    const text = devstack(['up', '-p', name], { cwd: dir, env });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/web: DATABASE_URL=postgresql:\/\/app:\*{8}@localhost:\d+\/app/);
    expect(text.stdout + text.stderr).not.toContain('S3cretPw1');
  });

  it('a failing service\'s replayed log lines mask its secret env values, URL passwords and token shapes', () => {
    const { dir, name } = stackDir(`services:
  broken:
    image: devstack-standin/debian:bookworm
    environment:
      APP_PASSWORD: Hunter2Secret
      DATABASE_URL: postgres://app:UrlPass77@db/app
    command: ["bash", "-c", "echo using password $$APP_PASSWORD; echo url $$DATABASE_URL; echo key ghp_0123456789abcdefghijABCDEFGHIJ0123; exit 3"]
`);
    const text = devstack(['up', '-p', name], { cwd: dir, env });
    expect(text.status).toBe(1);
    expect(text.stderr).toContain('| using password ********');
    expect(text.stderr).toContain('| url postgres://app:********@db/app');
    expect(text.stderr).toContain('| key ********');
    const json = devstack(['up', '-p', name, '--json'], { cwd: dir, env });
    expect(json.status).toBe(1);
    const error = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { error: { details: string[] } };
    expect(error.error.details).toContain('  | using password ********');
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) {
      expect(out).not.toMatch(/Hunter2Secret|UrlPass77|ghp_0123456789/);
    }
  });
});
