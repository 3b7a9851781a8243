// Readiness probes against a real engine. Containers are started with the docker CLI (not the adapter);
// each carries this run's project label and is removed afterwards.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import type { ServiceConfig } from '../../src/core/model.js';
import { ContainerWatch } from '../../src/engine/probes/container-watch.js';
import { createPostgresProbe } from '../../src/engine/probes/postgres.js';
import { waitForService, type WaitRequest } from '../../src/engine/probes/wait-for-service.js';
import { service } from '../unit/probes/probe-service.js';
import { cliEngine, docker, removeProject, requireEngine, uniquePrefix } from './probes-cli-engine.js';

const project = uniquePrefix();
const engine = cliEngine();
const tempDirs: string[] = [];

beforeAll(() => requireEngine());
afterAll(() => {
  removeProject(project);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function run(name: string, args: string[], image: string, command: string[] = []): string {
  return docker('run', '-d', '--name', `${project}-${name}`, '--label', `${LABEL.project}=${project}`, '--label', `${LABEL.service}=${name}`, ...args, image, ...command);
}

function initDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${project}-init-`));
  tempDirs.push(dir);
  chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), content);
    chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}

function wait(svc: ServiceConfig, containerId: string, overrides: Partial<WaitRequest> = {}) {
  return waitForService({
    engine,
    project,
    service: svc,
    containerId,
    condition: 'service_healthy',
    signal: AbortSignal.timeout(120_000),
    timeoutMs: 60_000,
    ...overrides,
  });
}

async function untilLogLine(id: string, pattern: RegExp, limitMs: number): Promise<void> {
  const signal = AbortSignal.timeout(limitMs);
  for await (const record of engine.logs(id, { follow: true, timestamps: false }, signal)) if (pattern.test(record.text)) return;
  throw new Error(`no log line ${pattern} within ${limitMs} ms`);
}

const pgEnv = { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'shop' };
const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

describe('postgres probe on a first start', () => {
  it('is not ready while the init scripts run; ready means a new session works at once', async () => {
    const init = initDir({ '10-slow.sh': '#!/bin/sh\necho slow init begins\nsleep 2\n' });
    const id = run('pg', [...envArgs(pgEnv), '-p', '127.0.0.1::5432', '-v', `${init}:/docker-entrypoint-initdb.d:ro`], 'postgres:16-alpine');
    const svc = service({ name: 'pg', image: 'postgres:16-alpine', environment: pgEnv, ports: [{ target: 5432, protocol: 'tcp' }] });

    // The temporary init server is up (it runs the scripts), yet no TCP session succeeds: not via the
    // published port, not via the container IP.
    await untilLogLine(id, /slow init begins/, 30_000);
    const details = await engine.inspectContainer(id);
    const published = details.ports.find((p) => p.containerPort === 5432 && p.hostIp === '127.0.0.1')!;
    const ip = Object.values(details.networks)[0]!.ipAddress;
    for (const endpoint of [{ host: '127.0.0.1', port: published.hostPort }, { host: ip, port: 5432 }]) {
      const outcome = await createPostgresProbe({ endpoint, user: 'app', password: 'secret', database: 'shop' }).attempt(AbortSignal.timeout(2000));
      expect(outcome.ready, `${endpoint.host}:${endpoint.port} during init`).toBe(false);
    }

    const result = await wait(svc, id);
    const readyAt = Date.now();
    expect(result).toMatchObject({ ok: true, probe: `postgres SELECT 1 at 127.0.0.1:${published.hostPort} as app/shop` });
    expect(result.ok && result.attempts).toBeGreaterThan(1);

    const client = new pg.Client({ host: '127.0.0.1', port: published.hostPort, user: 'app', password: 'secret', database: 'shop', connectionTimeoutMillis: 1000 });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();

    const initDone = docker('logs', '--timestamps', id)
      .split('\n')
      .find((line) => line.includes('PostgreSQL init process complete'));
    expect(initDone).toBeDefined();
    expect(Date.parse(initDone!.slice(0, initDone!.indexOf(' ')))).toBeLessThan(readyAt);
  });

  it('a password the server keeps rejecting ends the wait with why and what to do, long before the limit', async () => {
    // The data directory knows another password than the environment (as with a stale volume).
    const init = initDir({ '10-other-password.sql': "ALTER USER app PASSWORD 'not-the-env-one';\n" });
    const id = run('pgpw', [...envArgs(pgEnv), '-v', `${init}:/docker-entrypoint-initdb.d:ro`], 'postgres:16-alpine');
    const svc = service({ name: 'pgpw', image: 'postgres:16-alpine', environment: pgEnv });
    // Wait for the real server (after the init one) so the probe's last word is the server's, not "refused".
    await untilLogLine(id, /init process complete/, 60_000);
    await untilLogLine(id, /ready to accept connections/, 30_000);
    const result = await wait(svc, id, { timeoutMs: 120_000 });
    expect(result).toMatchObject({ ok: false, reason: 'rejected' });
    expect(result.ok ? '' : result.lastError).toContain('password authentication failed for user "app" (SQLSTATE 28P01');
    expect(result.ok ? '' : result.hint).toContain('devstack reset-db --from-scratch pgpw');
  });
});

describe('other probes and verdicts', () => {
  it('redis is ready (through the container IP: nothing published)', async () => {
    const id = run('redis', [], 'redis:7-alpine');
    const result = await wait(service({ name: 'redis', image: 'redis:7-alpine' }), id);
    expect(result).toMatchObject({ ok: true });
    expect(result.probe).toMatch(/^redis PING at \d+\.\d+\.\d+\.\d+:6379$/);
  });

  it('a container that exits 1 fails as exited, well under the limit', async () => {
    const id = run('crash', [], 'node:20-alpine', ['sh', '-c', 'sleep 1; echo boom >&2; exit 1']);
    const svc = service({ name: 'crash', image: 'node:20-alpine', expose: ['3000'], devstack: { ready: { kind: 'http', path: '/health' } } });
    const result = await wait(svc, id, { timeoutMs: 60_000 });
    expect(result).toMatchObject({ ok: false, reason: 'exited', exitCode: 1 });
    expect(result.elapsedMs).toBeLessThan(10_000);
  });

  it('a healthcheck that never passes ends as unhealthy with its log', async () => {
    const id = run('sick', ['--health-cmd', 'echo not yet; exit 1', '--health-interval', '1s', '--health-retries', '2'], 'node:20-alpine', ['sleep', '300']);
    const svc = service({ name: 'sick', image: 'node:20-alpine', healthcheck: { test: ['CMD-SHELL', 'echo not yet; exit 1'], intervalMs: 1000, retries: 2, disable: false } });
    const result = await wait(svc, id, { timeoutMs: 60_000 });
    expect(result).toMatchObject({ ok: false, reason: 'unhealthy', probe: 'engine healthcheck' });
    expect(result.ok ? [] : result.healthLog).toContain('not yet');
    expect(result.elapsedMs).toBeLessThan(15_000);
  });
});

describe('container output wakes a waiter (real engine)', () => {
  it('a line printed by the container ends a pause at once, not at its end', async () => {
    const id = run('chatty', ['--init'], 'devstack-standin/debian:bookworm', ['sh', '-c', 'sleep 1; echo listening; exec sleep 60']);
    const watch = await ContainerWatch.open(engine, project, id, AbortSignal.timeout(30_000));
    try {
      watch.wakeOnOutput();
      const started = Date.now();
      await watch.changeOrDelay(20_000, AbortSignal.timeout(30_000));
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThan(300);
      expect(waited).toBeLessThan(5_000);
    } finally {
      watch.close();
    }
  });
});
