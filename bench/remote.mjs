// A remote engine: the namespaced dockerd of scripts/remote-engine.sh over ssh://, against the local engine.
//   cold up: a new project of Postgres (with a volume) + Redis, until both are ready, local vs ssh://;
//   ps: `devstack ps` over ssh vs `docker -H ssh://… ps` (the docker CLI's own ssh connection) and local.
//   watch: edit-to-visible latency of `devstack up --watch` over ssh (a bind-mounted folder kept in sync in its volume),
//     next to a bind mount and a develop.watch sync rule on the local engine;
//   build: a 200 MB build context whose .dockerignore drops most of it, built over ssh vs locally.
// docker-compose 1.29 is timed on the same `up` where it can reach the engine (locally; over ssh it needs paramiko).
// Prints medians and ratios; never asserts.   node bench/remote.mjs [--runs N] [--only up|watch|build]
// (needs npm run build, npm run remote-engine)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5) || 5;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const bin = join(repo, 'bin/devstack');
const remote = JSON.parse(readFileSync('/var/lib/devstack-remote/remote.json', 'utf8'));
const stateDir = mkdtempSync(join(tmpdir(), 'dsbench-state-'));
const dir = mkdtempSync(join(tmpdir(), 'dsbench-remote-'));
writeFileSync(
  join(dir, 'compose.yaml'),
  `services:
  db:
    image: postgres:16-alpine
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: secret, POSTGRES_DB: app }
    ports: ["5432"]
    volumes: [dbdata:/var/lib/postgresql/data]
  cache:
    image: redis:7-alpine
    ports: ["6379"]
volumes:
  dbdata:
`,
);

function timed(cmd, args, env = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, env: { ...process.env, CI: 'true', DEVSTACK_STATE_DIR: stateDir, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

function benchUpAndPs() {
  const engines = { local: {}, ssh: { DOCKER_HOST: remote.sshHost } };
  const up = { local: [], ssh: [] };
  const ps = { local: [], ssh: [], 'docker -H ssh ps': [], 'docker ps (local)': [] };

  for (let i = 0; i < runs; i++) {
    for (const [name, env] of Object.entries(engines)) {
      const project = `dsbench-remote-${process.pid}-${i}-${name}`;
      try {
        up[name].push(timed(process.execPath, [bin, 'up', '-p', project], env));
        ps[name].push(timed(process.execPath, [bin, 'ps', '-p', project], env));
        ps['docker -H ssh ps'].push(timed('docker', ['-H', remote.sshHost, 'ps']));
        ps['docker ps (local)'].push(timed('docker', ['ps']));
      } finally {
        timed(process.execPath, [bin, 'down', '-p', project, '-v', '--yes', '-t', '2'], env);
      }
    }
  }
  console.log(`remote engine bench, ${runs} runs, medians (Postgres + Redis, both until ready)`);
  console.log(`  cold up   local ${fmt(median(up.local))}   ssh ${fmt(median(up.ssh))}   ratio ssh/local ${(median(up.ssh) / median(up.local)).toFixed(2)}`);
  for (const [name, xs] of Object.entries(ps)) console.log(`  ps        ${name.padEnd(20)} ${fmt(median(xs))}`);
  console.log(`  ratio devstack ps over ssh / docker -H ssh ps: ${(median(ps.ssh) / median(ps['docker -H ssh ps'])).toFixed(2)}`);
}

// --- watch: edit-to-visible ---------------------------------------------------------------------------------------
// A bash loop in the container (builtins only; `read -t` on an idle fifo is its pause, ~9 ms a turn) reads /w/f.txt
// and prints the new content with $EPOCHREALTIME when it changes. Both engines run on this machine's kernel, so the
// container's clock is this host's: latency = the container's time of seeing it - the time of the write here (the
// log stream's own delay is not counted). Every other edit is an atomic save (write a temp file, rename it over).
const EDITS = Number(process.env.DEVSTACK_BENCH_EDITS || 30);
const LOOP = 'mkfifo /tmp/pause; exec 3<>/tmp/pause; p=""; while true; do c=""; read -r c < /w/f.txt 2>/dev/null; '
  + 'if [ "$c" != "$p" ]; then echo "seen $c $EPOCHREALTIME"; p="$c"; fi; read -t 0.005 -u 3 _; done';

function watchStack(kind) {
  const service = `    image: redis:7-alpine
    command: ["bash", "-c", ${JSON.stringify(LOOP.replaceAll('$', '$$$$'))}]
    stop_grace_period: 1s
    x-devstack: { ready: none }
`;
  const mount = kind === 'rule' ? '' : '    volumes: ["./w:/w"]\n';
  // With the bind mount the rule needs no copy ("bind-mounted; no sync needed"): locally it is there so that
  // `up --watch` has a rule to watch; on a remote engine the implicit rule of the bind mount does the sync.
  // Without it, the rule copies the folder at start (initial_sync), so edit-0 is there too.
  const rule = `    develop:\n      watch:\n        - { action: sync, path: ./w, target: /w${kind === 'rule' ? ', initial_sync: true' : ''} }\n`;
  return `services:\n  app:\n${service}${mount}${rule}`;
}

async function editToVisible(kind, env) {
  const project = `dsbench-rwatch-${randomBytes(3).toString('hex')}`;
  const cwd = mkdtempSync(join(tmpdir(), `${project}-`));
  mkdirSync(join(cwd, 'w'));
  const file = join(cwd, 'w', 'f.txt');
  writeFileSync(file, 'edit-0\n');
  writeFileSync(join(cwd, 'compose.yaml'), watchStack(kind));
  const childEnv = { ...process.env, CI: 'true', NO_COLOR: '1', DEVSTACK_STATE_DIR: stateDir, ...env };
  const child = spawn(process.execPath, [bin, 'up', '--watch', '-p', project], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = new Map();
  let output = '';
  let buffered = '';
  child.stdout.on('data', (c) => {
    buffered += c.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) {
      const m = /seen (\S+) (\d+\.\d+)/.exec(line);
      if (m && !seen.has(m[1])) seen.set(m[1], Number(m[2]) * 1000);
    }
  });
  child.stderr.on('data', (c) => (output += c.toString()));
  const exited = new Promise((r) => child.on('exit', r));
  try {
    await waitFor(() => /watching .* for changes/.test(output), 120_000, () => output);
    await waitFor(() => seen.has('edit-0'), 10_000, () => output);
    const latencies = [];
    for (let i = 1; i <= EDITS; i++) {
      const text = `edit-${i}`;
      const at = performance.timeOrigin + performance.now(); // wall clock, sub-millisecond
      if (i % 2 === 0) {
        writeFileSync(`${file}.tmp~`, `${text}\n`);
        renameSync(`${file}.tmp~`, file);
      } else {
        writeFileSync(file, `${text}\n`);
      }
      await waitFor(() => seen.has(text), 10_000, () => output);
      latencies.push(seen.get(text) - at);
      await sleep(150 + Math.random() * 100);
    }
    return latencies;
  } finally {
    child.kill('SIGINT');
    await exited;
    spawnSync(process.execPath, [bin, 'down', '-p', project, '-v', '--yes', '-t', '1'], { cwd, env: childEnv });
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function benchWatchLatency() {
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
  const rows = [
    ['ssh://, bind mount (kept in sync in its volume)', await editToVisible('bind', { DOCKER_HOST: remote.sshHost })],
    ['local engine, bind mount', await editToVisible('bind', {})],
    ['local engine, develop.watch sync rule', await editToVisible('rule', {})],
  ];
  console.log(`watch edit-to-visible, ${EDITS} edits each (half atomic saves), 150-250 ms apart; goal over ssh p95 <= 150 ms`);
  console.log(`  ${'engine and path'.padEnd(50)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}`);
  for (const [name, xs] of rows) {
    console.log(`  ${name.padEnd(50)} ${`${pct(xs, 50).toFixed(0)} ms`.padStart(8)} ${`${pct(xs, 95).toFixed(0)} ms`.padStart(8)} ${`${Math.max(...xs).toFixed(0)} ms`.padStart(8)}`);
  }
}

// --- build: a 200 MB context, most of it in .dockerignore ----------------------------------------------------------
// 200 files of 1 MB of random bytes under big/ (ignored), 2 MB under app/ (sent). `devstack up --build` of one
// service built from it, timed to ready; "sent" is the size of the tar devstack streams (its build-context module,
// from dist/, over the same folder), and what the context would be without the .dockerignore.
async function benchBuildContext() {
  const cwd = mkdtempSync(join(tmpdir(), 'dsbench-rbuild-'));
  mkdirSync(join(cwd, 'big'));
  mkdirSync(join(cwd, 'app'));
  for (let i = 0; i < 200; i++) writeFileSync(join(cwd, 'big', `blob${i}.bin`), randomBytes(1 << 20));
  for (let i = 0; i < 2; i++) writeFileSync(join(cwd, 'app', `part${i}.bin`), randomBytes(1 << 20));
  writeFileSync(join(cwd, '.dockerignore'), 'big\n');
  writeFileSync(join(cwd, 'Dockerfile'), 'FROM redis:7-alpine\nCOPY app/ /app/\n');
  writeFileSync(join(cwd, 'compose.yaml'), 'services:\n  app:\n    build: .\n    command: ["redis-server"]\n');
  const { createBuildContext } = await import(join(repo, 'dist/src/engine/docker/build-context.js'));
  const tarBytes = async () => {
    let n = 0;
    for await (const chunk of await createBuildContext({ context: cwd, dockerfile: 'Dockerfile' })) n += chunk.length;
    return n;
  };
  const sent = await tarBytes();
  const rows = [];
  for (const [name, env] of [['ssh://', { DOCKER_HOST: remote.sshHost }], ['local engine', {}]]) {
    const times = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const project = `dsbench-rbuild-${randomBytes(3).toString('hex')}`;
      const run = (args) => {
        const t = process.hrtime.bigint();
        const r = spawnSync(process.execPath, [bin, ...args, '-p', project], { cwd, env: { ...process.env, CI: 'true', DEVSTACK_STATE_DIR: stateDir, ...env }, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`devstack ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
        return Number(process.hrtime.bigint() - t) / 1e6;
      };
      try {
        times.push(run(['up', '--build']));
      } finally {
        run(['down', '-v', '--yes', '-t', '1']);
        spawnSync('docker', [...(env.DOCKER_HOST ? ['-H', env.DOCKER_HOST] : []), 'rmi', '-f', `${project}-app`], { stdio: 'ignore' });
      }
    }
    rows.push([name, median(times)]);
  }
  rmSync(cwd, { recursive: true, force: true });
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  console.log(`build context: 202 MB on disk, .dockerignore drops big/ (200 MB); tar sent ${mb(sent)}; up --build until ready, median of ${Math.min(runs, 3)}`);
  for (const [name, ms] of rows) console.log(`  ${name.padEnd(14)} ${fmt(ms)}   sent ${mb(sent)}`);
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond, limitMs, context = () => '') {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms:\n${context().slice(-2000)}`);
    await sleep(2);
  }
}

if (!only || only === 'up') benchUpAndPs();
if (!only || only === 'watch') await benchWatchLatency();
if (!only || only === 'build') await benchBuildContext();
rmSync(dir, { recursive: true, force: true });
rmSync(stateDir, { recursive: true, force: true });
