// reset-db day two through the built CLI on a real engine: the database service's x-devstack.reset.run commands
// run after a reset (and after --to SNAPSHOT) in the named running service, their output streamed; a failing one
// is reported with its exit code, its line and the state left; --redis empties the project's Redis, and only
// with --redis.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devstack } from '../smoke/support/cli.js';

const NAME = `dshook${Math.random().toString(36).slice(2, 8)}`;
let dir: string;
const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

const COMPOSE = `name: ${NAME}
services:
  db:
    image: postgres:16-alpine
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: pw, POSTGRES_DB: appdb }
    volumes:
      - ./init:/docker-entrypoint-initdb.d:ro
    x-devstack:
      reset:
        run:
          - service: backend
            command: psql -h db -U app -d appdb -v ON_ERROR_STOP=1 -c "INSERT INTO items VALUES (2, 'migrated')"
          - service: backend
            command: ["bash", "-c", "echo seeding; echo done seeding; exit \${SEED_EXIT:-0}"]
  cache:
    image: redis:7-alpine
  backend:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
    stop_grace_period: 1s
    environment: { PGPASSWORD: pw }
    depends_on: [db, cache]
`;

const run = (args: string[], env: Record<string, string> = {}) => devstack(args, { cwd: dir, env });

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const ip = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `${NAME}-db-1`]);
  const client = new pg.Client({ host: ip, port: 5432, user: 'app', password: 'pw', database: 'appdb' });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

const items = async (): Promise<string[]> => (await sql<{ name: string }>('SELECT name FROM items ORDER BY id')).map((r) => r.name);

const redis = (...args: string[]) => docker(['exec', `${NAME}-cache-1`, 'redis-cli', ...args]);

beforeAll(() => {
  docker(['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  mkdirSync(join(dir, 'init'));
  writeFileSync(join(dir, 'init', '01.sql'), "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'from init');\n");
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  const up = run(['up']);
  expect(up.status, up.stderr).toBe(0);
}, 240_000);

afterAll(() => {
  run(['down', '-v', '--yes']);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('reset-db runs the reset hooks and, with --redis, empties Redis (built CLI, real engine)', () => {
  it('after a reset: the hooks run in backend, in order, their output streamed', async () => {
    const r = run(['reset-db', 'db', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toContain('backend | INSERT 0 1');
    expect(out.indexOf('backend | seeding')).toBeGreaterThan(out.indexOf('backend | INSERT 0 1'));
    expect(out).toContain('backend | done seeding');
    expect(r.stdout).toMatch(/ran `psql .*` in backend, `bash -c echo seeding; echo done seeding; exit 0` in backend$/m);
    expect(await items()).toEqual(['from init', 'migrated']);
  });

  it('after --to SNAPSHOT the hooks run too', async () => {
    await sql("DELETE FROM items WHERE id = 2; INSERT INTO items VALUES (3, 'saved')");
    const saved = run(['snapshot-db', 'plain']);
    expect(saved.status, saved.stderr).toBe(0);
    const r = run(['reset-db', 'db', '--to', 'plain', '--yes', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { method: string; hooks: { service: string; exitCode: number }[] };
    expect(result.method).toBe('snapshot');
    expect(result.hooks.map((h) => `${h.service}:${h.exitCode}`)).toEqual(['backend:0', 'backend:0']);
    // the snapshot holds 'saved' and not 'migrated': the hook added it after the restore
    expect(await items()).toEqual(['from init', 'migrated', 'saved']);
  });

  it('a hook that fails: its exit code, its line, the output, and the state left; the hooks before it ran', async () => {
    const r = run(['reset-db', 'db', '--yes'], { SEED_EXIT: '3' });
    expect(r.status).toBe(1);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toContain('backend | done seeding');
    expect(r.stderr).toMatch(/reset hook `bash -c echo seeding; echo done seeding; exit 3` in backend exited with code 3 \(\S*compose\.yaml:13:\d+\)/);
    expect(r.stderr).toContain('State: db is restored from snapshot fresh; the hooks before it ran (psql -h db -U app -d appdb -v ON_ERROR_STOP=1 -c INSERT INTO items VALUES (2, \'migrated\')), the ones after it did not.');
    expect(await items()).toEqual(['from init', 'migrated']);
  });

  it('--redis empties each Redis-like service; without it Redis keeps its keys', () => {
    redis('SET', 'session:1', 'alive');
    const plain = run(['reset-db', 'db', '--yes']);
    expect(plain.status, plain.stderr).toBe(0);
    expect(redis('GET', 'session:1')).toBe('alive');
    const flushed = run(['reset-db', 'db', '--yes', '--redis']);
    expect(flushed.status, flushed.stderr).toBe(0);
    expect(flushed.stdout).toMatch(/; emptied cache; ran /);
    expect(redis('DBSIZE')).toBe('0');
  });
});
