// `devstack ports` and `devstack env` against a real stack whose Postgres port was remapped: the settings carry
// the effective ports, DATABASE_URL really connects (pg) and REDIS_URL really answers PING (ioredis).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionEnv } from '../../src/app/connection-env.js';
import { ENV_FILE_MARKER } from '../../src/app/env-file.js';
import { portsView } from '../../src/app/ports-view.js';
import { checkHostPort } from '../../src/engine/ports/host-port-check.js';
import { realStack, REPO, type RealStack } from './support/real-stack.js';

const PASSWORD = "s3cr@t/'x y";
let stack: RealStack;
let holder: net.Server;
let pgDeclared = 0;
let redisDeclared = 0;
let env: Record<string, string> = {};

async function freePortRun(avoid: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if (Math.abs(base - avoid) < 10) continue;
    let ok = true;
    for (let p = base; p < base + 4 && ok; p++) ok = (await checkHostPort(p)).free;
    if (ok) return base;
  }
}

function cli(args: string[]): string {
  return execFileSync(join(REPO, 'bin/devstack'), [...args, '-p', stack.name], { cwd: stack.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
}

beforeAll(async () => {
  pgDeclared = await freePortRun(0);
  redisDeclared = await freePortRun(pgDeclared);
  holder = net.createServer().listen({ host: '127.0.0.1', port: pgDeclared });
  await new Promise((resolve) => holder.once('listening', resolve));

  const source = mkdtempSync(join(tmpdir(), 'dsready-src-'));
  writeFileSync(
    join(source, 'compose.yaml'),
    `services:
  postgres:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: ${JSON.stringify(PASSWORD)}
      POSTGRES_DB: orders
    ports: ["${pgDeclared}:5432"]
  cache:
    image: redis:7-alpine
    ports: ["${redisDeclared}:6379"]
  worker:
    image: devstack-standin/debian:bookworm
    command: sleep infinity
    init: true
`,
  );
  try {
    stack = await realStack(source, 'dsready');
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  await stack.up();
  const result = await connectionEnv({ project: await stack.load() }, { engine: stack.engine });
  env = Object.fromEntries(result.entries.map((e) => [e.key, e.value]));
});

afterAll(async () => {
  holder?.close();
  await stack?.cleanup();
});

describe('ports and env on a real engine', () => {
  it('ports: each published container port with its effective host address', async () => {
    const rows = await portsView({ projectName: stack.name }, { engine: stack.engine });
    expect(rows.map((r) => `${r.service} ${r.containerPort}/${r.protocol} -> ${r.hostIp}:${r.hostPort}`)).toEqual([
      `cache 6379/tcp -> 127.0.0.1:${redisDeclared}`,
      `postgres 5432/tcp -> 127.0.0.1:${pgDeclared + 1}`,
    ]);
  });

  it('env: DATABASE_URL (remapped port, encoded password) connects and REDIS_URL answers PING', async () => {
    expect(env.DATABASE_URL).toBe(`postgresql://shop:s3cr%40t%2F%27x%20y@127.0.0.1:${pgDeclared + 1}/orders`);
    expect(env.POSTGRES_PORT_5432).toBe(String(pgDeclared + 1));
    expect(env.POSTGRES_HOST).toBe('127.0.0.1');
    expect(env.CACHE_PORT_6379).toBe(String(redisDeclared));
    expect(Object.keys(env).some((k) => k.startsWith('WORKER_'))).toBe(false);

    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ user: string; db: string }>('SELECT current_user AS user, current_database() AS db');
      expect(rows[0]).toEqual({ user: 'shop', db: 'orders' });
    } finally {
      await client.end();
    }

    const redis = new Redis(env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it('the built CLI: ports --json, env --format shell (sourced by sh), env --output refuses a foreign file', () => {
    const rows = JSON.parse(cli(['ports', '--json'])) as { service: string; hostPort: number }[];
    expect(rows.find((r) => r.service === 'postgres')?.hostPort).toBe(pgDeclared + 1);
    expect(cli(['ports'])).toContain(`postgres  5432/tcp -> 127.0.0.1:${pgDeclared + 1}`);

    const shell = cli(['env', '--format', 'shell']);
    const sourced = execFileSync('sh', ['-c', `${shell}\nprintf '%s' "$DATABASE_URL"`], { encoding: 'utf8' });
    expect(sourced).toBe(env.DATABASE_URL);

    const file = join(stack.dir, '.env');
    writeFileSync(file, 'MINE=1\n');
    expect(() => cli(['env', '--output', file])).toThrow(/not written by devstack env/);
    expect(readFileSync(file, 'utf8')).toBe('MINE=1\n');
    cli(['env', '--output', file, '--force']);
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith(ENV_FILE_MARKER)).toBe(true);
    expect(written).toContain(`REDIS_URL=redis://127.0.0.1:${redisDeclared}\n`);
  });
});
