// When inotify runs out part way: idle CPU of the watcher on a 50,000-file tree (2,500 folders of 20 files) when
// every folder is watched, when the watches run out after 90 % or half of the folders (what devstack does now: keep them,
// poll the rest), and when the whole tree is polled (what it did before: the first failure polled everything).
// The limit is injected through the watcher's watchFolder seam (the Nth watch fails with ENOSPC); the host's
// sysctls are not touched. Each case runs in a child process; CPU is measured over 10 s of idle after ready.
// Prints CPU seconds per second and ratios; never asserts.   node bench/watch-fallback.mjs (after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const FOLDERS = 2_500;
const FILES_PER_FOLDER = 20;
const IDLE_MS = 10_000;

if (process.argv[2] === '--child') {
  const [, , , root, limitText] = process.argv;
  const limit = Number(limitText);
  const { watchFiles, watchFolderWithInotify } = await import(pathToFileURL(path.join(fileURLToPath(new URL('..', import.meta.url)), 'dist/src/engine/watch/file-watcher.js')).href);
  let made = 0;
  const watcher = watchFiles({
    paths: [root],
    skips: () => false,
    onChange: () => {},
    onWarning: () => {},
    onError: () => {},
    watchFolder: (dir, onEvent, onError) => {
      made += 1;
      if (made > limit) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
      return watchFolderWithInotify(dir, onEvent, onError);
    },
  });
  await watcher.ready;
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ cpuPerSecond: (used.user + used.system) / 1e6 / (IDLE_MS / 1000), polled: watcher.polledFolders().length }));
  await watcher.close();
  process.exit(0);
}

const root = await mkdtemp(path.join(tmpdir(), 'dsbench-fallback-'));
try {
  for (let d = 0; d < FOLDERS; d++) {
    const dir = path.join(root, `d${Math.floor(d / 50)}`, `f${d}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(Array.from({ length: FILES_PER_FOLDER }, (_, i) => writeFile(path.join(dir, `file${i}.ts`), `export const x = ${i};\n`)));
  }
  const total = FOLDERS + FOLDERS / 50 + 1;
  const cases = [
    ['all watched', total + 10],
    ['90 % of the watches (now)', Math.floor(total * 0.9)],
    ['half the watches (now)', Math.floor(total / 2)],
    ['whole tree polled (before)', 0],
  ];
  const rows = [];
  for (const [label, limit] of cases) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', root, String(limit)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
    rows.push([label, JSON.parse(r.stdout.trim().split('\n').at(-1))]);
  }
  const whole = rows.at(-1)[1].cpuPerSecond;
  console.log(`watch fallback bench: ${FOLDERS * FILES_PER_FOLDER} files in ${total} folders, ${IDLE_MS / 1000} s idle after ready, poll interval 1 s`);
  for (const [label, r] of rows) {
    console.log(`  ${label.padEnd(28)} ${r.cpuPerSecond.toFixed(3)} CPU s/s  (${r.polled} polled folders)  ratio to whole tree polled ${(r.cpuPerSecond / whole).toFixed(2)}`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
