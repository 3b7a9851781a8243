// Loading large compose files: `devstack config` vs Debian's `docker-compose` 1.29 `config` on inputs far
// bigger than real ones — a 5,000-service depends_on chain and 20,000 aliases of one anchor. Runs alternate,
// 3 each; prints the medians and the ratio devstack/docker-compose. Nothing touches the engine.
//
//   npm run build && node bench/compose-load.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = 3;
const bin = fileURLToPath(new URL('../bin/devstack', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dsbench-load-'));

function chain(n) {
  let yaml = 'version: "3.8"\nservices:\n';
  for (let i = 0; i < n; i++) yaml += `  s${i}:\n    image: alpine\n${i > 0 ? `    depends_on: [s${i - 1}]\n` : ''}`;
  return yaml;
}

function aliases(n) {
  let yaml = 'version: "3.8"\nx-env: &env { FOO: bar }\nservices:\n  web:\n    image: alpine\n    environment: *env\nx-copies:\n';
  for (let i = 0; i < n; i++) yaml += '  - *env\n';
  return yaml;
}

function timed(command, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CI: 'true' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  for (const [label, text] of [
    ['5,000-service depends_on chain', chain(5000)],
    ['20,000 aliases of one anchor', aliases(20_000)],
  ]) {
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, text);
    const ours = [];
    const theirs = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(timed(process.execPath, [bin, 'config', '-p', 'bench', '-f', file]));
      theirs.push(timed('docker-compose', ['-p', 'bench', '-f', file, 'config']));
    }
    const a = median(ours);
    const b = median(theirs);
    console.log(`${label}: devstack ${(a / 1000).toFixed(2)} s, docker-compose 1.29 ${(b / 1000).toFixed(2)} s, ratio ${(a / b).toFixed(2)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
