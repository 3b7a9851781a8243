// `reset-db` and `snapshot-db` through the built CLI on a real engine and a real Postgres (fails, never skips,
// without one): from scratch the first time, from the `fresh` baseline after, from scratch again when the init
// scripts change; named snapshots; nothing lost without --yes; a volume the project does not own is refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devstack } from '../smoke/support/cli.js';

const NAME = `dsrdb${Math.random().toString(36).slice(2, 8)}`;
const EXTERNAL = `${NAME}-external`;
let dir: string;

const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const compose = (project: string, volume: string, external = false) => `name: ${project}
services:
  db:
    image: postgres:16-alpine
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: pw, POSTGRES_DB: appdb }
    volumes:
      - ${volume}:/var/lib/postgresql/data
      - ./init:/docker-entrypoint-initdb.d:ro
  cache:
    image: redis:7-alpine
  api:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
    stop_grace_period: 1s
    depends_on:
      db: { condition: service_healthy, restart: true }
  worker:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
    stop_grace_period: 1s
    depends_on: [db]
volumes:
  ${volume}: ${external ? `{ external: true, name: ${EXTERNAL} }` : '{}'}
`;

async function session(project = NAME): Promise<pg.Client> {
  const ip = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `${project}-db-1`]);
  const client = new pg.Client({ host: ip, port: 5432, user: 'app', password: 'pw', database: 'appdb' });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function names(project = NAME): Promise<string[]> {
  const client = await session(project);
  try {
    return (await client.query<{ name: string }>('SELECT name FROM items ORDER BY id')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

async function exec(sql: string): Promise<void> {
  const client = await session();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const run = (args: string[], cwd = dir) => devstack([...args, '-p', cwd === dir ? NAME : `${NAME}x`], { cwd });

beforeAll(() => {
  docker(['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  mkdirSync(join(dir, 'init'));
  writeFileSync(join(dir, 'init', '01.sql'), "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'from init');\n");
  writeFileSync(join(dir, 'compose.yaml'), compose(NAME, 'pgdata'));
  const up = devstack(['up'], { cwd: dir });
  expect(up.status, up.stderr).toBe(0);
}, 240_000);

afterAll(() => {
  for (const project of [NAME, `${NAME}x`]) devstack(['down', '-v', '--yes', '-p', project], { cwd: dir });
  execFileSync('docker', ['volume', 'rm', '-f', EXTERNAL]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('devstack reset-db (built CLI, real engine, real Postgres)', () => {
  it('without --yes and without a terminal: exit 2, and the data is still there', async () => {
    await exec("INSERT INTO items VALUES (2, 'added')");
    const r = run(['reset-db']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Delete all data of db \(volume \w+_pgdata\) and initialise it again\? \(cannot ask: not a terminal\)/);
    expect(r.stderr).toContain('hint: Pass --yes');
    expect(await names()).toEqual(['from init', 'added']);
  });

  it('the first reset initialises from scratch (init scripts run again) and saves the fresh baseline', async () => {
    const r = run(['reset-db', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('initialising from scratch (no fresh baseline yet)');
    expect(r.stdout).toMatch(/^db: appdb, postgres reset from scratch in \d+ ms; restarted api$/m);
    expect(await names()).toEqual(['from init']);
    // The other service was not touched.
    expect(docker(['inspect', '-f', '{{.State.Status}}', `${NAME}-cache-1`])).toBe('running');
  });

  it('the next reset copies the baseline inside the server; an open session on the database is ended', async () => {
    await exec("INSERT INTO items VALUES (3, 'added')");
    const held = await session();
    const dbContainer = docker(['inspect', '-f', '{{.Id}}', `${NAME}-db-1`]);
    const startedAt = (service: string) => docker(['inspect', '-f', '{{.State.StartedAt}}', `${NAME}-${service}-1`]);
    const before = { api: startedAt('api'), worker: startedAt('worker') };
    const r = run(['reset-db', '-y']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^db: appdb, postgres reset from snapshot fresh in (\d+) ms; restarted api$/m);
    // restart: true on db restarts api (as compose does when a dependency changes); worker is told about, not touched.
    expect(startedAt('api')).not.toBe(before.api);
    expect(startedAt('worker')).toBe(before.worker);
    expect(r.stderr).toContain('worker kept running on the reset data');
    console.log(`reset-db from the baseline: ${/in (\d+) ms/.exec(r.stdout)?.[1]} ms in the use case, ${r.ms} ms for the whole command`);
    expect(docker(['inspect', '-f', '{{.Id}}', `${NAME}-db-1`])).toBe(dbContainer);
    expect(await names()).toEqual(['from init']);
    await expect(held.query('SELECT 1')).rejects.toThrow();
    await held.end().catch(() => {});
  });

  it('changed init scripts make the baseline stale: from scratch again, with the new scripts', async () => {
    writeFileSync(join(dir, 'init', '01.sql'), "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'from init v2');\n");
    const r = run(['reset-db', '-y']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('initialising from scratch (the configuration, image or init scripts changed since the baseline)');
    expect(await names()).toEqual(['from init v2']);
  });

  it('snapshot-db saves a named snapshot; reset-db --to restores it; saving it again replaces it; --delete removes it', async () => {
    await exec("INSERT INTO items VALUES (5, 'seeded')");
    const saved = run(['snapshot-db', 'seeded']);
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/^db: saved snapshot seeded \(appdb, postgres\) in \d+ ms$/m);
    await exec('DELETE FROM items');
    const restored = run(['reset-db', '--to', 'seeded', '--yes']);
    expect(restored.status, restored.stderr).toBe(0);
    expect(await names()).toEqual(['from init v2', 'seeded']);

    expect(run(['snapshot-db', 'seeded']).status).toBe(0);
    const list = run(['snapshot-db', '--list', '--json']);
    const listed = JSON.parse(list.stdout) as { service: string; snapshots: { name: string; databases: string[] }[] };
    expect(listed.service).toBe('db');
    expect(listed.snapshots.map((s) => [s.name, s.databases])).toEqual([
      ['fresh', ['appdb', 'postgres']],
      ['seeded', ['appdb', 'postgres']],
    ]);
    const client = await session();
    const templates = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'devstack_snap_%'");
    await client.end();
    expect(templates.rows).toHaveLength(4); // two saves of two databases: the older save of seeded is gone

    expect(run(['snapshot-db', '--delete', 'seeded']).status).toBe(2); // asks first
    const deleted = run(['snapshot-db', '--delete', 'seeded', '--yes']);
    expect(deleted.status, deleted.stderr).toBe(0);
    const missing = run(['reset-db', '--to', 'seeded', '-y']);
    expect(missing.status).toBe(8);
    expect(missing.stderr).toContain('db has no snapshot seeded.');
    expect(missing.stderr).toContain('hint: Its snapshots: fresh.');
  });

  it('a bad snapshot name and a service that is not Postgres: exit 2 with what to do', () => {
    const bad = run(['snapshot-db', 'no spaces']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"no spaces" is not a snapshot name.');
    const cache = run(['reset-db', 'cache', '-y']);
    expect(cache.status).toBe(2);
    expect(cache.stderr).toContain('cache is not a Postgres service');
    expect(cache.stderr).toContain('hint: Postgres services here: db.');
  });

  it('data in a volume the project does not own (external): refused, and the volume keeps its data', async () => {
    const other = join(dir, 'other');
    mkdirSync(join(other, 'init'), { recursive: true });
    writeFileSync(join(other, 'init', '01.sql'), "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'kept');\n");
    writeFileSync(join(other, 'compose.yaml'), compose(`${NAME}x`, 'shared', true));
    docker(['volume', 'create', EXTERNAL]);
    expect(run(['up'], other).status).toBe(0);
    const r = run(['reset-db', '--from-scratch', '--yes'], other);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`db keeps its data in volume ${EXTERNAL}, which project ${NAME}x does not own`);
    expect(r.stderr).toContain('hint: Delete it yourself');
    expect(await names(`${NAME}x`)).toEqual(['kept']);
  });
});
