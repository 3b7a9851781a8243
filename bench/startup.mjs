// Start-up: how long the commands people run dozens of times a day take, against the floor of any Node CLI
// (`node -e 0`) and `docker ps`, side by side in the same run (each round runs every command once, in turn).
// `devstack ps` runs against the demo stack (compose/demo: 4 services) brought up under a unique project name
// for the bench and taken down (with its volumes and images) after. Prints medians and ratios; never asserts.
// Wall time is what a person feels; the CPU time each command used (user + system, the mean over the rounds,
// read from this process's children counters on Linux) says the same with less noise on a busy machine.
//   node bench/startup.mjs [--runs N] [--before PATH]   (needs `npm run build` and `npm run images` first)
//   --before: another build's bin/devstack (a checkout of an older commit, built) measured in the same rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 21) || 21;
const bin = join(repo, 'bin/devstack');
const beforeAt = process.argv.indexOf('--before');
const before = beforeAt > 0 ? process.argv[beforeAt + 1] : undefined;
const stateDir = mkdtempSync(join(tmpdir(), 'dsbench-state-'));
const project = `dsbenchstart${Math.random().toString(36).slice(2, 8)}`;
const dir = mkdtempSync(join(tmpdir(), `${project}-`));
cpSync(join(repo, 'compose/demo'), dir, { recursive: true });
const env = { ...process.env, CI: 'true', DEVSTACK_STATE_DIR: stateDir };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** CPU ms used so far by waited-for children (fields cutime + cstime of /proc/self/stat, in 10 ms ticks). */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function timed(name, cmd, args) {
  const cpu = childrenCpuMs();
  const t = process.hrtime.bigint();
  run(cmd, args);
  results[name].push(Number(process.hrtime.bigint() - t) / 1e6);
  cpuMs[name] += childrenCpuMs() - cpu;
}

const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'devstack --version': [process.execPath, [bin, '--version']],
  'devstack ps': [process.execPath, [bin, 'ps', '-p', project]],
  'docker ps': ['docker', ['ps', '--filter', `label=com.docker.compose.project=${project}`]],
  ...(before
    ? {
        'before --version': [process.execPath, [before, '--version']],
        'before ps': [process.execPath, [before, 'ps', '-p', project]],
      }
    : {}),
};

const results = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
const cpuMs = Object.fromEntries(Object.keys(commands).map((k) => [k, 0]));
try {
  run(process.execPath, [bin, 'up', '-p', project, '--wait-timeout', '120']);
  const rows = JSON.parse(run(process.execPath, [bin, 'ps', '-p', project, '--json']));
  const running = rows.filter((r) => r.state === 'running').length;
  if (running !== 4) throw new Error(`expected 4 running services, ps says ${running}: ${JSON.stringify(rows)}`);
  // One round unmeasured: the page cache and the engine warm up for everyone alike.
  for (const [cmd, args] of Object.values(commands)) run(cmd, args);
  for (let i = 0; i < runs; i++) {
    for (const [name, [cmd, args]] of Object.entries(commands)) timed(name, cmd, args);
  }
} finally {
  spawnSync(process.execPath, [bin, 'down', '-p', project, '-v', '--yes', '-t', '2'], { cwd: dir, env });
  const refs = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n');
  for (const ref of refs.filter((r) => r.startsWith(`${project}-`))) spawnSync('docker', ['rmi', ref]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(results['node -e 0']);
const cpuFloor = cpuMs['node -e 0'] / runs;
console.log(`over ${runs} rounds (devstack ps on a running 4-service stack):        wall (median)            CPU (mean)`);
for (const [name, xs] of Object.entries(results)) {
  const cpu = cpuMs[name] / runs;
  console.log(
    `  ${name.padEnd(20)} ${median(xs).toFixed(0).padStart(5)} ms  ${(median(xs) / floor).toFixed(2)}× node -e 0   ${cpu.toFixed(0).padStart(5)} ms  ${(cpu / cpuFloor).toFixed(2)}× node -e 0`,
  );
}
