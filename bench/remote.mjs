// A remote engine: the namespaced dockerd of scripts/remote-engine.sh over ssh://, against the local engine.
//   cold up: a new project of Postgres (with a volume) + Redis, until both are ready, local vs ssh://;
//   ps: `devstack ps` over ssh vs `docker -H ssh://… ps` (the docker CLI's own ssh connection) and local.
// docker-compose 1.29 is timed on the same `up` where it can reach the engine (locally; over ssh it needs paramiko).
// Prints medians and ratios; never asserts.   node bench/remote.mjs [--runs N]   (needs npm run build, npm run remote-engine)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5) || 5;
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
rmSync(dir, { recursive: true, force: true });
rmSync(stateDir, { recursive: true, force: true });

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`remote engine bench, ${runs} runs, medians (Postgres + Redis, both until ready)`);
console.log(`  cold up   local ${fmt(median(up.local))}   ssh ${fmt(median(up.ssh))}   ratio ssh/local ${(median(up.ssh) / median(up.local)).toFixed(2)}`);
for (const [name, xs] of Object.entries(ps)) console.log(`  ps        ${name.padEnd(20)} ${fmt(median(xs))}`);
console.log(`  ratio devstack ps over ssh / docker -H ssh ps: ${(median(ps.ssh) / median(ps['docker -H ssh ps'])).toFixed(2)}`);
