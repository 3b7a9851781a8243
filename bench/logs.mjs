// Log streaming throughput: `docker logs <c>` vs devstack's streamContainerLogs + log printer.
// A container writes 300,000 numbered lines; each tool runs as a child process writing to a pipe that
// this script reads, counts and checks (every line present, in order). Runs alternate, 5 each.
// Prints the medians, the ratio devstack/docker (goal ≤ 1.25) and devstack's peak RSS.
//
//   npm run build && node bench/logs.mjs        (DEVSTACK_DIST=<folder> to use another build)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Dockerode from 'dockerode';

const LINES = 300_000;
const RUNS = 5;
const dist = process.env.DEVSTACK_DIST ?? fileURLToPath(new URL('../dist/', import.meta.url));
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  await main();
}

/** The devstack side: stream one container's logs and print them (text only) to stdout. */
async function child(id) {
  const { streamContainerLogs } = await import(pathToFileURL(`${dist}/src/engine/docker/logs.js`).href);
  const { printLogLines } = await import(pathToFileURL(`${dist}/src/cli/log-printer.js`).href);
  const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
  const records = streamContainerLogs(docker, id, { follow: false, timestamps: false }, new AbortController().signal);
  async function* lines() {
    for await (const r of records) yield { service: 'bench', container: id, stream: r.stream, time: '', text: r.text };
  }
  await printLogLines(lines(), { out: process.stdout, services: ['bench'], timestamps: false, prefix: false, json: false, color: false });
  process.stderr.write(`maxrss-kb ${process.resourceUsage().maxRSS}\n`);
}

async function main() {
  const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
  const name = `dslogs-bench-${randomBytes(4).toString('hex')}`;
  const container = await docker.createContainer({ name, Image: 'devstack-standin/debian:bookworm', Cmd: ['seq', '1', String(LINES)] });
  try {
    await container.start();
    await container.wait();
    const results = { docker: [], devstack: [] };
    let peakRssKb = 0;
    for (let i = 0; i < RUNS; i++) {
      for (const tool of i % 2 === 0 ? ['docker', 'devstack'] : ['devstack', 'docker']) {
        const cmd = tool === 'docker' ? ['docker', ['logs', container.id]] : [process.execPath, [self, '--child', container.id]];
        const run = await timeChild(...cmd);
        verify(tool, run.stdout);
        results[tool].push(run.ms);
        const rss = /maxrss-kb (\d+)/.exec(run.stderr);
        if (tool === 'devstack' && rss) peakRssKb = Math.max(peakRssKb, Number(rss[1]));
      }
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const d = med(results.docker);
    const s = med(results.devstack);
    console.log(`lines per run          ${LINES}`);
    console.log(`docker logs   runs ms  ${results.docker.map((x) => x.toFixed(0)).join(' ')}  median ${d.toFixed(0)}`);
    console.log(`devstack logs runs ms  ${results.devstack.map((x) => x.toFixed(0)).join(' ')}  median ${s.toFixed(0)}`);
    console.log(`ratio devstack/docker  ${(s / d).toFixed(2)}  (goal <= 1.25)`);
    console.log(`devstack peak RSS      ${(peakRssKb / 1024).toFixed(0)} MB`);
  } finally {
    await container.remove({ force: true });
  }
}

function timeChild(cmd, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    p.stdout.on('data', (c) => out.push(c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${err}`));
      resolve({ ms, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

function verify(tool, text) {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error(`${tool}: output does not end with a newline`);
  if (lines.length !== LINES) throw new Error(`${tool}: ${lines.length} lines, expected ${LINES}`);
  for (let i = 0; i < LINES; i++) {
    if (lines[i] !== String(i + 1)) throw new Error(`${tool}: line ${i + 1} is ${JSON.stringify(lines[i])}`);
  }
}
