// `devstack doctor` through the built CLI on a real engine: the demo stack checks clean; a taken port, a
// Dockerfile that breaks the patterns and a missing build context are reported with file:line and a fix; no
// engine is exit 4 while the other checks still run; doctor creates nothing and remembers no port.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devstack } from './support/cli.js';

const NAME = `dsdoc${Math.random().toString(36).slice(2, 8)}`;
const repo = new URL('../..', import.meta.url).pathname;
let dir: string;
let stateDir: string;
const run = (args: string[], env: Record<string, string> = {}) => devstack(['doctor', '-p', NAME, ...args], { cwd: dir, env: { DEVSTACK_STATE_DIR: stateDir, ...env } });

beforeAll(() => {
  execFileSync('docker', ['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  stateDir = mkdtempSync(join(tmpdir(), `${NAME}-state-`));
  cpSync(join(repo, 'compose/demo'), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
});

afterAll(() => {
  for (const d of [dir, stateDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('devstack doctor (built CLI, real engine)', () => {
  it('the demo stack: every check passes or notes, exit 0; nothing is created, no port remembered', () => {
    const r = run([]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok +engine +Docker Engine \S+ answers \(API 1\.\d+, linux\)$/m);
    expect(r.stdout).toMatch(new RegExp(`^ok +compose +project ${NAME} loads from compose.yaml: 4 services \\(backend, frontend, postgres, redis\\)$`, 'm'));
    expect(r.stdout).toMatch(/^ok +dockerfile +backend: backend\/Dockerfile.dev follows the patterns/m);
    expect(r.stdout).toMatch(/^ok +dockerfile +frontend: frontend\/Dockerfile.dev follows the patterns/m);
    expect(r.stdout).toMatch(/^ok +images +redis: image redis:7-alpine is here$/m);
    expect(r.stdout).toMatch(/^0 failed, \d+ warnings, \d+ notes, \d+ ok$/m);
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${NAME}`], { encoding: 'utf8' }).trim()).toBe('');
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('a taken host port is a warning naming where `up` would publish it', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      writeFileSync(join(dir, 'compose.override.yaml'), `services:\n  redis:\n    ports: ["${port}:6379"]\n`);
      const r = run([]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^warn +ports +redis: host port ${port} is taken \\(.*\\); \`devstack up\` will publish it on \\d+$`, 'm'));
      expect(r.stdout).toContain(`hint: Free ${port} to keep the declared port`);
      expect(readdirSync(stateDir)).toEqual([]);
    } finally {
      rmSync(join(dir, 'compose.override.yaml'), { force: true });
      server.close();
    }
  });

  it('a Dockerfile that copies the source before installing, runs as root and has no .dockerignore: warnings at file:line with fixes', () => {
    mkdirSync(join(dir, 'api'));
    writeFileSync(join(dir, 'api', 'package.json'), '{}');
    writeFileSync(join(dir, 'api', 'package-lock.json'), '{}');
    writeFileSync(join(dir, 'api', 'Dockerfile'), 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["node", "server.js"]\n');
    writeFileSync(join(dir, 'compose.override.yaml'), 'services:\n  api:\n    build: ./api\n  worker:\n    build: ./nowhere\n');
    try {
      const r = run([]);
      expect(r.status).toBe(3);
      expect(r.stdout).toMatch(/^warn +dockerfile +api\/Dockerfile:3: api: .*COPY . ./m);
      expect(r.stdout).toMatch(/^warn +dockerfile +api\/Dockerfile:1: api: /m);
      expect(r.stdout).toMatch(/^fail +images +compose.override.yaml:4: worker: build context nowhere does not exist$/m);
      expect(r.stdout).toContain('hint: Fix `build.context`');
      expect(r.stderr).toContain('1 of the checks failed');
    } finally {
      rmSync(join(dir, 'compose.override.yaml'), { force: true });
    }
  });

  it('no engine: exit 4 with the fix, and the compose and Dockerfile checks still run', () => {
    const r = run([], { DOCKER_HOST: `unix://${join(stateDir, 'no-such.sock')}` });
    expect(r.status).toBe(4);
    expect(r.stdout).toMatch(/^fail +engine +/m);
    expect(r.stdout).toMatch(/^ok +compose +project /m);
    expect(r.stdout).toMatch(/^ok +dockerfile +backend: /m);
  });

  it('--json: one array of findings', () => {
    const findings = JSON.parse(run(['--json']).stdout) as { area: string; status: string }[];
    expect(findings.map((f) => f.area)).toContain('dockerfile');
    expect(findings.every((f) => ['ok', 'info', 'warn', 'fail'].includes(f.status))).toBe(true);
  });
});
