// A fresh development database: devstack `reset-db` vs what one does with Debian's docker-compose 1.29, side by
// side in the same run, on one Postgres service with a named volume and an init script.
//   docker-compose: `rm -sfv db`, `volume rm <project>_pgdata`, `up -d db`, then poll until a new session on the
//                   app database answers (1.29 has no --wait; the time a developer waits is until it answers).
//   devstack:       `reset-db --yes`: from the `fresh` baseline snapshot (the usual path), and `--from-scratch`.
// Each run first writes a row, and checks after the reset that only the init script's row is there.
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
  writeFileSync(join(dir, 'init', '01.sql'), "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'init');\n");
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  return { name, dir };
}

async function dirty(container) {
  await query(ipOf(container), "INSERT INTO items VALUES (2, 'dirty')");
}

async function check(container) {
  const rows = await query(ipOf(container), 'SELECT name FROM items ORDER BY id');
  if (rows.map((r) => r.name).join(',') !== 'init') throw new Error(`not fresh after the reset: ${JSON.stringify(rows)}`);
}

async function timed(task) {
  const t = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const results = { 'docker-compose': [], 'devstack (baseline)': [], 'devstack --from-scratch': [] };
const dc = project('c');
const ds = project('d');
try {
  run('docker-compose', ['-p', dc.name, 'up', '-d'], dc.dir);
  await untilAnswers(`${dc.name}_db_1`);
  run(process.execPath, [bin, 'up', '-p', ds.name], ds.dir);
  run(process.execPath, [bin, 'reset-db', '--yes', '-p', ds.name], ds.dir); // the first reset saves the baseline
  for (let i = 0; i < runs; i++) {
    await dirty(`${dc.name}_db_1`);
    results['docker-compose'].push(
      await timed(async () => {
        run('docker-compose', ['-p', dc.name, 'rm', '-sfv', 'db'], dc.dir);
        run('docker', ['volume', 'rm', `${dc.name}_pgdata`], dc.dir);
        run('docker-compose', ['-p', dc.name, 'up', '-d', 'db'], dc.dir);
        await untilAnswers(`${dc.name}_db_1`);
      }),
    );
    await check(`${dc.name}_db_1`);

    await dirty(`${ds.name}-db-1`);
    results['devstack (baseline)'].push(await timed(async () => run(process.execPath, [bin, 'reset-db', '--yes', '-p', ds.name], ds.dir)));
    await check(`${ds.name}-db-1`);

    await dirty(`${ds.name}-db-1`);
    results['devstack --from-scratch'].push(await timed(async () => run(process.execPath, [bin, 'reset-db', '--from-scratch', '--yes', '-p', ds.name], ds.dir)));
    await check(`${ds.name}-db-1`);
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
const peer = median(results['docker-compose']);
console.log(`reset-db bench: ${runs} runs each, interleaved; a fresh database that answers a new session`);
for (const [tool, xs] of Object.entries(results)) {
  const m = median(xs);
  console.log(`  ${tool.padEnd(24)} median ${(m / 1000).toFixed(2)} s  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(' ')})  ratio to docker-compose ${(m / peer).toFixed(2)}`);
}
