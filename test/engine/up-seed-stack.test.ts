// The seed-shaped stack (Postgres with a healthcheck, Redis, a built backend that depends_on Postgres
// service_healthy and checks both once at start, a frontend with the /app/node_modules volume) on a real engine.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { LABEL } from '../../src/core/labels.js';
import { docker, realStack, REPO, type RealStack } from './support/real-stack.js';

/** A container's stdout and stderr (Postgres logs to stderr). */
function containerLogs(name: string, flags: string[] = []): string {
  const r = spawnSync('docker', ['logs', ...flags, name], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

describe('up on a real engine: the seed-shaped demo stack', () => {
  let stack: RealStack;

  beforeAll(async () => {
    stack = await realStack(join(REPO, 'compose/demo'), 'dsseed');
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it('starts everything in dependency order and only after Postgres accepted sessions', async () => {
    const result = await stack.up();
    expect(result.services.map((s) => s.service).sort()).toEqual(['backend', 'frontend', 'postgres', 'redis']);
    expect(result.services.every((s) => s.action === 'create')).toBe(true);
    expect(result.services.find((s) => s.service === 'postgres')?.probe).toMatch(/postgres/);

    // The backend checks Postgres exactly once at start and exits 1 if that fails: running means the order held.
    const backend = `${stack.name}-backend-1`;
    expect(docker(['inspect', '-f', '{{.State.Status}} {{.RestartCount}}', backend])).toBe('running 0');
    const backendLogs = containerLogs(backend);
    expect(backendLogs).not.toContain('postgres not ready');

    // And by the clock: the backend started after Postgres (the real server, not the init one) accepted sessions.
    const pgLog = containerLogs(`${stack.name}-postgres-1`, ['-t']);
    const readyLines = pgLog.split('\n').filter((l) => l.includes('database system is ready to accept connections'));
    const pgReadyAt = Date.parse((readyLines.at(-1) ?? '').split(' ')[0] ?? '');
    const backendStartedAt = Date.parse(docker(['inspect', '-f', '{{.State.StartedAt}}', backend]));
    expect(pgReadyAt).toBeLessThan(backendStartedAt);

    // The backend answers through its effective host port and reaches both stores.
    const port = result.services.find((s) => s.service === 'backend')?.ports[0]?.hostPort;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ postgres: 'ok', redis: 'ok' });

    // Published on 127.0.0.1 only, and every container carries the project's labels.
    for (const s of result.services) for (const p of s.ports) expect(p.hostIp).toBe('127.0.0.1');
    const labels = JSON.parse(docker(['inspect', '-f', '{{json .Config.Labels}}', backend])) as Record<string, string>;
    expect(labels[LABEL.project]).toBe(stack.name);
    expect(labels[LABEL.devstack]).toBeDefined();
  });

  it('a second up recreates nothing', async () => {
    const before = docker(['ps', '-q', '--no-trunc', '--filter', `label=${LABEL.project}=${stack.name}`]).split('\n').sort();
    const result = await stack.up();
    expect(result.services.map((s) => s.action)).toEqual(['keep', 'keep', 'keep', 'keep']);
    const after = docker(['ps', '-q', '--no-trunc', '--filter', `label=${LABEL.project}=${stack.name}`]).split('\n').sort();
    expect(after).toEqual(before);
  });

  it('recreates only a changed service', async () => {
    const file = join(stack.dir, 'compose.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('redis-server --appendonly yes', 'redis-server --appendonly yes --save 60 1'));
    const result = await stack.up();
    const actions = Object.fromEntries(result.services.map((s) => [s.service, s.action]));
    expect(actions.redis).toBe('recreate');
    expect(actions.postgres).toBe('keep');
    expect(actions.frontend).toBe('keep');
  });

  it('docker-compose 1.29 lists the stack', () => {
    // 1.29 predates `develop:` and `depends_on.restart`; give it the same file without them.
    const doc = parse(readFileSync(join(stack.dir, 'compose.yaml'), 'utf8')) as { services: Record<string, Record<string, unknown>> };
    for (const s of Object.values(doc.services)) {
      delete s.develop;
      for (const d of Object.values((s.depends_on ?? {}) as Record<string, Record<string, unknown>>)) delete d.restart;
    }
    writeFileSync(join(stack.dir, 'compose.peer.yaml'), stringify(doc));
    const out = execFileSync('docker-compose', ['-p', stack.name, '-f', join(stack.dir, 'compose.peer.yaml'), 'ps'], { encoding: 'utf8', cwd: stack.dir, env: { ...process.env, COMPOSE_PROJECT_NAME: stack.name } });
    for (const s of ['postgres', 'redis', 'backend', 'frontend']) expect(out).toContain(`${stack.name}-${s}-1`);
  });

  it('down --volumes leaves nothing of the project', async () => {
    await stack.down(true);
    const label = `label=${LABEL.project}=${stack.name}`;
    expect(docker(['ps', '-aq', '--filter', label])).toBe('');
    expect(docker(['network', 'ls', '-q', '--filter', label])).toBe('');
    expect(docker(['volume', 'ls', '-q', '--filter', label])).toBe('');
  });
});
