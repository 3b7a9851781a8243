// Podman's Docker-compatible API (scripts/podman-engine.sh): the same small stack up, ps, logs and down through its
// socket. Fails, never skips, when the service does not answer.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from '../smoke/support/cli.js';

const SOCKET = 'unix:///run/devstack-podman.sock';
const project = `dspodman-${randomBytes(4).toString('hex')}`;
let dir: string;

function podman(...args: string[]): string {
  return execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

beforeAll(() => {
  execFileSync('curl', ['-sf', '--unix-socket', SOCKET.slice('unix://'.length), 'http://podman/_ping']); // run npm run podman-engine
  dir = mkdtempSync(path.join(tmpdir(), 'devstack-podman-'));
  const db = 20000 + Math.floor(Math.random() * 9000);
  writeFileSync(
    path.join(dir, 'compose.yaml'),
    `services:
  db:
    image: postgres:16-alpine
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: secret, POSTGRES_DB: app }
    ports: ["${db}:5432"]
    volumes: [dbdata:/var/lib/postgresql/data]
  cache:
    image: redis:7-alpine
    depends_on: { db: { condition: service_healthy } }
volumes:
  dbdata:
`,
  );
});

afterAll(() => {
  const ids = podman('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`).split('\n').filter(Boolean);
  if (ids.length > 0) podman('rm', '-f', '-v', ...ids);
  const volumes = podman('volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`).split('\n').filter(Boolean);
  if (volumes.length > 0) podman('volume', 'rm', '-f', ...volumes);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Podman through its Docker-compatible socket', () => {
  it('up reaches ready, ps, logs, down --volumes', () => {
    const env = { DOCKER_HOST: SOCKET, DOCKER_CONTEXT: undefined };
    const up = devstack(['up', '-p', project], { cwd: dir, env });
    expect(up.status, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/db ready \(postgres SELECT 1 at 127\.0\.0\.1:\d+ as app\/app\)/);
    expect(up.stderr).toMatch(/cache ready/);
    expect(podman('ps', '--filter', `label=${LABEL.project}=${project}`, '--format', '{{.Names}}').split('\n').sort()).toEqual([`${project}-cache-1`, `${project}-db-1`]);
    const ps = devstack(['ps', '-p', project], { cwd: dir, env });
    expect(ps.stdout).toMatch(new RegExp(`db\\s+${project}-db-1\\s+running`));
    const logs = devstack(['logs', '-p', project, 'db'], { cwd: dir, env });
    expect(logs.stdout).toContain('database system is ready to accept connections');
    const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd: dir, env });
    expect(down.status, down.stderr).toBe(0);
    expect(podman('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
    expect(podman('volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
  });
});
