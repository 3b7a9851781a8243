// Readiness: how long `up` takes on a health-gated stack, devstack vs docker-compose 1.29, and how long
// Postgres itself needed to accept sessions in each run. Prints; never asserts.
//
// The stack: Postgres (5 s-interval pg_isready healthcheck), Redis, and a backend that depends_on Postgres
// service_healthy and runs `pg_isready -h postgres` once at start (it exits 1 if started too early).
// No host ports are published, so the two tools never collide. Runs alternate; `down -v` after each.
//
//   npm run build && node bench/readiness.mjs [--runs N]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag === -1 ? 5 : Number(process.argv[runsFlag + 1]);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a positive integer');

const devstackBin = fileURLToPath(new URL('../bin/devstack', import.meta.url));
const COMPOSE = `services:
  postgres:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: app
      POSTGRES_DB: app
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app -d app"]
      interval: 5s
      timeout: 3s
      retries: 10
  redis:
    image: redis:7-alpine
  backend:
    image: devstack-standin/debian:bookworm
    command: sh -c "pg_isready -h postgres -U app && exec sleep infinity"
    init: true
    stop_grace_period: 2s
    depends_on:
      postgres:
        condition: service_healthy
      redis:
        condition: service_started
`;

const dir = mkdtempSync(join(tmpdir(), 'dsbench-ready-'));
const stateDir = mkdtempSync(join(tmpdir(), 'dsbench-ready-state-'));
const file = join(dir, 'compose.yaml');
writeFileSync(file, COMPOSE);
const tag = randomBytes(3).toString('hex');
const { default: pg } = await import('pg');
const childEnv = { ...process.env, CI: '1', DEVSTACK_STATE_DIR: stateDir, COMPOSE_PROJECT_NAME: '' };

const tools = {
  devstack: {
    up: (p) => [process.execPath, [devstackBin, 'up', '-p', p, '-f', file]],
    down: (p) => [process.execPath, [devstackBin, 'down', '-v', '--yes', '-p', p, '-f', file]],
  },
  'docker-compose': {
    up: (p) => ['docker-compose', ['-p', p, '-f', file, 'up', '-d']],
    down: (p) => ['docker-compose', ['-p', p, '-f', file, 'down', '-v']],
  },
};

const results = { devstack: [], 'docker-compose': [] };
const floor = [];
const started = [];
try {
  for (let i = 0; i < RUNS; i++) {
    // The floor any tool could reach: one `docker run` of the same Postgres, then a TCP session every 50 ms.
    floor.push(await bareRunToSession(`dsbench${tag}f${i}`));
    for (const tool of i % 2 === 0 ? ['devstack', 'docker-compose'] : ['docker-compose', 'devstack']) {
      const project = `dsbench${tag}${tool === 'devstack' ? 'd' : 'c'}${i}`;
      started.push({ tool, project });
      const upMs = await timed(...tools[tool].up(project));
      const backendOk = backendRunning(project);
      const pgMs = await postgresReadyMs(project);
      results[tool].push({ upMs, pgMs, backendOk });
      console.log(`run ${i + 1} ${tool.padEnd(14)} up ${fmt(upMs)}  postgres itself ${fmt(pgMs)}${backendOk ? '' : '  (backend NOT running: started before Postgres took TCP sessions)'}`);
      await timed(...tools[tool].down(project));
    }
  }
} finally {
  for (const { tool, project } of started) await timed(...tools[tool].down(project)).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
}

const d = median(results.devstack.map((r) => r.upMs));
const c = median(results['docker-compose'].map((r) => r.upMs));
const pgDevstack = median(results.devstack.map((r) => r.pgMs));
const pgAll = median([...results.devstack, ...results['docker-compose']].map((r) => r.pgMs));
console.log('');
console.log(`runs per tool                      ${RUNS}   (load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
console.log(`devstack up          median        ${fmt(d)}   (${results.devstack.map((r) => fmt(r.upMs)).join(' ')})`);
console.log(`docker-compose up -d median        ${fmt(c)}   (${results['docker-compose'].map((r) => fmt(r.upMs)).join(' ')})`);
console.log(`postgres itself      median        ${fmt(pgAll)}   (devstack runs ${fmt(pgDevstack)}; container start -> last "ready to accept connections")`);
for (const tool of Object.keys(results)) {
  const broken = results[tool].filter((r) => !r.backendOk).length;
  if (broken > 0) console.log(`${tool}: in ${broken} of ${RUNS} runs the backend had exited (started too early)`);
}
const f = median(floor);
console.log(`floor: docker run -> SELECT 1      ${fmt(f)}   (${floor.map(fmt).join(' ')}; engine create+start included)`);
console.log(`ratio devstack/docker-compose      ${(d / c).toFixed(2)}   (goal <= 0.5)`);
console.log(`ratio devstack/postgres itself     ${(d / pgDevstack).toFixed(2)}   (goal <= 1.2)`);
console.log(`ratio devstack/floor               ${(d / f).toFixed(2)}`);

async function bareRunToSession(name) {
  const t0 = process.hrtime.bigint();
  docker(['run', '-d', '--name', name, '-e', 'POSTGRES_USER=app', '-e', 'POSTGRES_PASSWORD=app', '-e', 'POSTGRES_DB=app', 'postgres:16-alpine']);
  try {
    const ip = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]).trim();
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      const client = new pg.Client({ host: ip, port: 5432, user: 'app', password: 'app', database: 'app', connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return Number(process.hrtime.bigint() - t0) / 1e6;
      } catch {
        // not yet
      } finally {
        await client.end().catch(() => {});
      }
    }
    return NaN;
  } finally {
    docker(['rm', '-fv', name]);
  }
}

function fmt(ms) {
  return `${(ms / 1000).toFixed(2)}s`;
}

function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function docker(args) {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function serviceContainer(project, service) {
  return docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`]).trim().split('\n')[0];
}

/**
 * Container StartedAt → the last "database system is ready to accept connections" log line (the real server; the
 * init server logs nowhere). A tool may return before that line exists (a socket-only pg_isready healthcheck passes
 * during init): then wait for it, up to a minute.
 */
async function postgresReadyMs(project) {
  const id = serviceContainer(project, 'postgres');
  const startedAt = toMs(docker(['inspect', '-f', '{{.State.StartedAt}}', id]).trim());
  for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
    const ready = spawnSyncText('docker', ['logs', '-t', id]).split('\n').filter((l) => l.includes('database system is ready to accept connections')).at(-1);
    if (ready) return toMs(ready.split(' ')[0]) - startedAt;
  }
  return NaN;
}

function backendRunning(project) {
  const id = serviceContainer(project, 'backend');
  return Boolean(id) && docker(['inspect', '-f', '{{.State.Status}}', id]).trim() === 'running';
}

/** RFC 3339 with nanoseconds → epoch ms (Date.parse wants at most milliseconds). */
function toMs(stamp) {
  return Date.parse(stamp.replace(/(\.\d{3})\d*/, '$1'));
}

function spawnSyncText(cmd, args) {
  // Postgres logs to stderr: take both streams.
  return execFileSync('sh', ['-c', `"$0" "$@" 2>&1`, cmd, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function timed(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv, cwd: dir });
    let err = '';
    p.stderr.on('data', (chunk) => (err += chunk));
    p.on('error', reject);
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}`));
      else resolve(ms);
    });
  });
}
