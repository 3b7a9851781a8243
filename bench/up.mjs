// `up` on the seed-shaped demo stack (compose/demo): devstack vs Debian's docker-compose 1.29, side by side in
// the same run. Cold = a new project (containers, network, volumes created; images built from cached layers);
// re-up = `up` again with nothing changed. Prints medians and ratios; never asserts.
//   node bench/up.mjs [--runs N]        (needs `npm run build` and `npm run images` first)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const repo = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3) || 3;
const bin = join(repo, 'bin/devstack');
const stateDir = mkdtempSync(join(tmpdir(), 'dsbench-state-'));

function timed(cmd, args, cwd, env = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, CI: 'true', DEVSTACK_STATE_DIR: stateDir, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return ms;
}

function freshCopy(name) {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  cpSync(join(repo, 'compose/demo'), dir, { recursive: true });
  // docker-compose 1.29 predates `develop:`; both tools get the same file. Host ports are left to each tool:
  // devstack remaps taken ones, so docker-compose gets ephemeral host ports to avoid colliding with it.
  const doc = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8'));
  for (const s of Object.values(doc.services)) {
    delete s.develop;
    for (const d of Object.values(s.depends_on ?? {})) delete d.restart; // 1.29 predates depends_on.restart
    if (s.ports) s.ports = s.ports.map((p) => String(p).split(':').at(-1));
  }
  writeFileSync(join(dir, 'compose.yaml'), stringify(doc));
  return dir;
}

const tools = {
  devstack: { up: (dir, p) => timed(process.execPath, [bin, 'up', '-p', p], dir), down: (dir, p) => timed(process.execPath, [bin, 'down', '-p', p, '-v', '--yes', '-t', '2'], dir) },
  'docker-compose': {
    // --wait does not exist in 1.29: `up -d` returns once containers are started (health-gated ones after their dependency is healthy).
    up: (dir, p) => timed('docker-compose', ['-p', p, 'up', '-d'], dir),
    down: (dir, p) => timed('docker-compose', ['-p', p, 'down', '-v', '-t', '2'], dir),
  },
};

const results = { devstack: { cold: [], reup: [] }, 'docker-compose': { cold: [], reup: [] } };
for (let i = 0; i < runs; i++) {
  for (const [tool, t] of Object.entries(tools)) {
    const project = `dsbenchup${tool === 'devstack' ? 'd' : 'c'}${i}${Math.random().toString(36).slice(2, 6)}`;
    const dir = freshCopy(project);
    try {
      results[tool].cold.push(t.up(dir, project));
      results[tool].reup.push(t.up(dir, project));
    } finally {
      t.down(dir, project);
      rmSync(dir, { recursive: true, force: true });
      // By name: devstack tags `<project>-<service>`, docker-compose `<project>_<service>`, often with one shared id.
      const refs = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n');
      for (const ref of refs.filter((r) => r.startsWith(project))) spawnSync('docker', ['rmi', ref]);
    }
    console.log(`run ${i + 1} ${tool}: cold ${results[tool].cold.at(-1).toFixed(0)} ms, re-up ${results[tool].reup.at(-1).toFixed(0)} ms`);
  }
}
rmSync(stateDir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const d = results.devstack;
const c = results['docker-compose'];
console.log(`\nmedians over ${runs} runs (devstack returns when every service is ready; docker-compose 1.29 when started):`);
console.log(`  cold up : devstack ${median(d.cold).toFixed(0)} ms, docker-compose ${median(c.cold).toFixed(0)} ms, ratio ${(median(d.cold) / median(c.cold)).toFixed(2)}`);
console.log(`  re-up   : devstack ${median(d.reup).toFixed(0)} ms, docker-compose ${median(c.reup).toFixed(0)} ms, ratio ${(median(d.reup) / median(c.reup)).toFixed(2)}`);
