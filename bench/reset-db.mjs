// A fresh development database: devstack `reset-db` vs what one does with Debian's docker-compose 1.29, side by
// side in the same run, on one Postgres service with a named volume and an init script that makes a 50-table,
// 100,000-row database (2,000 rows a table).
//   docker-compose:   `rm -sfv db`, `volume rm <project>_pgdata`, `up -d db` (down -v + up of that service), then
//                     poll until a new session on the app database answers (1.29 has no --wait; the time a
//                     developer waits is until it answers).
//   devstack reset:   `reset-db --yes` from the `fresh` baseline snapshot (the usual path).
//   devstack restore: `reset-db --to seeded --yes`, a snapshot saved with `snapshot-db seeded`.
// For devstack both the use case's own time (its `elapsedMs`: the reset inside the server, what the goal is about)
// and the command's total (node start, compose load, engine connection included) are printed.
// Each run first writes a row, and checks after the reset that the init data, and only it, is there.
// Prints medians and ratios; never asserts.
//   node bench/reset-db.mjs [--runs N]        (needs `npm run build` and `npm run images` first)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const repo = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5) || 5;
const bin = join(repo, 'bin/devstack');
const stateDir = mkdtempSync(join(tmpdir(), 'dsbench-state-'));

const COMPOSE = `version: "3.8"
services:
  db:
    image: postgres:16-alpine
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: pw, POSTGRES_DB: appdb }
    volumes:
      - pgdata:/var/lib/postgresql/data
      - ./init:/docker-entrypoint-initdb.d:ro
volumes:
  pgdata: {}
`;

const TABLES = 50;
const ROWS_PER_TABLE = 2_000;
const INIT_SQL = [
  "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'init');",
  ...Array.from({ length: TABLES }, (_, i) => {
    const t = `t${String(i + 1).padStart(2, '0')}`;
    return `CREATE TABLE ${t} (id int PRIMARY KEY, name text, payload text, at timestamptz DEFAULT now()); INSERT INTO ${t} (id, name, payload) SELECT g, 'row ' || g, md5(g::text) FROM generate_series(1, ${ROWS_PER_TABLE}) g;`;
  }),
  '',
].join('\n');

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, CI: 'true', DEVSTACK_STATE_DIR: stateDir }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

const ipOf = (project) => execFileSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `${project}`], { encoding: 'utf8' }).trim();

async function query(host, sql) {
  const client = new pg.Client({ host, port: 5432, user: 'app', password: 'pw', database: 'appdb', connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query(sql)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Polls every 20 ms until a new session answers SELECT 1 (what "ready" means here for both tools). */
async function untilAnswers(container) {
  for (;;) {
    try {
      await query(ipOf(container), 'SELECT 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function project(tool) {
  const name = `dsbenchrdb${tool}${Math.random().toString(36).slice(2, 6)}`;
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  mkdirSync(join(dir, 'init'));
  writeFileSync(join(dir, 'init', '01.sql'), INIT_SQL);
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  return { name, dir };
}

async function dirty(container) {
  await query(ipOf(container), "INSERT INTO items VALUES (2, 'dirty')");
}

async function check(container) {
  const host = ipOf(container);
  const rows = await query(host, 'SELECT name FROM items ORDER BY id');
  if (rows.map((r) => r.name).join(',') !== 'init') throw new Error(`not fresh after the reset: ${JSON.stringify(rows)}`);
  const sum = Array.from({ length: TABLES }, (_, i) => `(SELECT count(*) FROM t${String(i + 1).padStart(2, '0')})`).join(' + ');
  const [{ n }] = await query(host, `SELECT ${sum} AS n`);
  if (Number(n) !== TABLES * ROWS_PER_TABLE) throw new Error(`expected ${TABLES * ROWS_PER_TABLE} rows after the reset, found ${n}`);
}

/** Runs a devstack command with --json: the command's wall time, and the use case's own elapsedMs. */
async function devstackTimed(args, dir) {
  let out = '';
  const total = await timed(async () => {
    out = run(process.execPath, [bin, ...args, '--json'], dir);
  });
  const result = JSON.parse(out.trim().split('\n').at(-1));
  if (result.method !== 'snapshot') throw new Error(`expected a reset from a snapshot, got ${result.method}`);
  return { total, useCase: result.elapsedMs };
}

async function timed(task) {
  const t = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const results = { 'docker-compose rm -v + up': [], 'devstack reset-db': [], 'devstack reset-db --to': [] };
const useCase = { 'devstack reset-db': [], 'devstack reset-db --to': [] };
const dc = project('c');
const ds = project('d');
try {
  run('docker-compose', ['-p', dc.name, 'up', '-d'], dc.dir);
  await untilAnswers(`${dc.name}_db_1`);
  run(process.execPath, [bin, 'up', '-p', ds.name], ds.dir);
  run(process.execPath, [bin, 'reset-db', '--yes', '-p', ds.name], ds.dir); // the first reset saves the baseline
  run(process.execPath, [bin, 'snapshot-db', 'seeded', '-p', ds.name], ds.dir);
  for (let i = 0; i < runs; i++) {
    await dirty(`${dc.name}_db_1`);
    results['docker-compose rm -v + up'].push(
      await timed(async () => {
        run('docker-compose', ['-p', dc.name, 'rm', '-sfv', 'db'], dc.dir);
        run('docker', ['volume', 'rm', `${dc.name}_pgdata`], dc.dir);
        run('docker-compose', ['-p', dc.name, 'up', '-d', 'db'], dc.dir);
        await untilAnswers(`${dc.name}_db_1`);
      }),
    );
    await check(`${dc.name}_db_1`);

    for (const [label, args] of [
      ['devstack reset-db', ['reset-db', '--yes', '-p', ds.name]],
      ['devstack reset-db --to', ['reset-db', '--to', 'seeded', '--yes', '-p', ds.name]],
    ]) {
      await dirty(`${ds.name}-db-1`);
      const t = await devstackTimed(args, ds.dir);
      results[label].push(t.total);
      useCase[label].push(t.useCase);
      await check(`${ds.name}-db-1`);
    }
  }
} finally {
  spawnSync('docker-compose', ['-p', dc.name, 'down', '-v', '-t', '1'], { cwd: dc.dir });
  spawnSync(process.execPath, [bin, 'down', '-v', '--yes', '-t', '1', '-p', ds.name], { cwd: ds.dir });
  for (const d of [dc.dir, ds.dir, stateDir]) rmSync(d, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const peer = median(results['docker-compose rm -v + up']);
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`reset-db bench: ${TABLES} tables, ${TABLES * ROWS_PER_TABLE} rows; ${runs} runs each, interleaved; a fresh database that answers a new session`);
for (const [tool, xs] of Object.entries(results)) {
  const m = median(xs);
  console.log(`  ${tool.padEnd(26)} command median ${secs(m).padStart(7)}  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(' ')})  ratio to docker-compose ${(m / peer).toFixed(2)}`);
  if (useCase[tool]) {
    const u = median(useCase[tool]);
    console.log(`  ${''.padEnd(26)} in the use case ${String(Math.round(u)).padStart(5)} ms (runs: ${useCase[tool].map((x) => Math.round(x)).join(' ')})  ratio to docker-compose ${(u / peer).toFixed(3)}`);
  }
}
console.log('  goals: reset <= 1 s and restore <= 300 ms in the use case');
