// The folder-level watcher on a real temp folder (inotify): what it reports, what it never watches,
// and the polling fallback when the OS is out of watches.
import { appendFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeKind } from '../../../src/engine/watch/change-batcher.js';
import { watchFiles, watchFolderWithInotify, type FileWatcher, type FolderWatchFn } from '../../../src/engine/watch/file-watcher.js';
import { skipsForAll, WatchRuleMatcher } from '../../../src/engine/watch/watch-rules.js';

interface Seen {
  path: string;
  kind: ChangeKind;
  isDir: boolean;
}

let dir: string;
let src: string;
let watcher: FileWatcher | undefined;
let seen: Seen[];
let warnings: string[];
let errors: number;
let watchedFolders: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dswperf-watcher-'));
  src = path.join(dir, 'src');
  await mkdir(path.join(src, 'lib'), { recursive: true });
  await mkdir(path.join(src, 'node_modules', 'dep'), { recursive: true });
  await mkdir(path.join(src, 'ignored', 'deep'), { recursive: true });
  await writeFile(path.join(src, 'lib', 'a.ts'), 'a');
  seen = [];
  warnings = [];
  errors = 0;
  watchedFolders = [];
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(opts: { watchFolder?: FolderWatchFn; extraFiles?: string[] } = {}): Promise<void> {
  const matcher = new WatchRuleMatcher('app', { action: 'sync', path: src, target: '/app', ignore: ['ignored/', '*.tmp'], include: [], initialSync: false });
  const extra = opts.extraFiles ?? [];
  const counting: FolderWatchFn = (folder, onEvent, onError) => {
    watchedFolders.push(folder);
    return (opts.watchFolder ?? watchFolderWithInotify)(folder, onEvent, onError);
  };
  watcher = watchFiles({
    paths: [src, ...extra],
    skips: skipsForAll([matcher], extra),
    onChange: (p, kind, isDir) => seen.push({ path: p, kind, isDir }),
    onWarning: (m, hint) => warnings.push(`${m} ${hint}`),
    onError: () => void errors++,
    pollIntervalMs: 50,
    watchFolder: counting,
  });
  await watcher.ready;
}

/** Waits until the last report for `p` is `kind` (every wait has a limit). */
async function until(p: string, kind: ChangeKind, limitMs = 3000): Promise<Seen> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const last = seen.filter((s) => s.path === p).at(-1);
    if (last?.kind === kind) return last;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${kind} of ${p} within ${limitMs} ms; seen ${JSON.stringify(seen)}`);
}

const at = (...p: string[]): string => path.join(src, ...p);

describe('watchFiles (one watch per folder)', () => {
  it('watches folders only, never node_modules or ignored ones', async () => {
    await start();
    expect(watchedFolders.sort()).toEqual([dir, src, at('lib')].sort());
  });

  it('reports a new file, a modification and a delete', async () => {
    await start();
    await writeFile(at('lib', 'b.ts'), 'b');
    expect(await until(at('lib', 'b.ts'), 'upsert')).toMatchObject({ isDir: false });
    seen = [];
    await appendFile(at('lib', 'b.ts'), 'more');
    await until(at('lib', 'b.ts'), 'upsert');
    await rm(at('lib', 'b.ts'));
    await until(at('lib', 'b.ts'), 'delete');
  });

  it('reports an atomic save (temp file renamed over) as an upsert of the file, never its delete', async () => {
    await start();
    await writeFile(at('lib', '.a.ts.swp'), 'saved');
    await rename(at('lib', '.a.ts.swp'), at('lib', 'a.ts'));
    await until(at('lib', 'a.ts'), 'upsert');
    await until(at('lib', '.a.ts.swp'), 'delete');
    expect(seen.filter((s) => s.path === at('lib', 'a.ts')).map((s) => s.kind)).not.toContain('delete');
  });

  it('watches a new folder tree (reporting what was in it before the watch began) and drops it when deleted', async () => {
    await start();
    await mkdir(at('new', 'sub'), { recursive: true });
    await writeFile(at('new', 'sub', 'c.ts'), 'c');
    expect(await until(at('new'), 'upsert')).toMatchObject({ isDir: true });
    await until(at('new', 'sub', 'c.ts'), 'upsert');
    await writeFile(at('new', 'sub', 'd.ts'), 'd');
    await until(at('new', 'sub', 'd.ts'), 'upsert');
    await rm(at('new'), { recursive: true });
    expect(await until(at('new'), 'delete')).toMatchObject({ isDir: true });
    await mkdir(at('new'));
    await writeFile(at('new', 'e.ts'), 'e');
    await until(at('new', 'e.ts'), 'upsert');
  });

  it('says nothing about ignored paths', async () => {
    await start();
    await writeFile(at('node_modules', 'dep', 'x.js'), 'x');
    await writeFile(at('ignored', 'deep', 'y.txt'), 'y');
    await writeFile(at('scratch.tmp'), 'z');
    await writeFile(at('marker.ts'), 'm');
    await until(at('marker.ts'), 'upsert');
    await new Promise((r) => setTimeout(r, 100));
    expect([...new Set(seen.map((s) => path.relative(src, s.path)))]).toEqual(['marker.ts']);
  });

  it('notices a watched file that did not exist yet (.env), and a watched folder deleted and re-created', async () => {
    const env = path.join(dir, '.env');
    await start({ extraFiles: [env] });
    await writeFile(env, 'A=1\n');
    await until(env, 'upsert');
    await rm(src, { recursive: true });
    expect(await until(src, 'delete')).toMatchObject({ isDir: true });
    await mkdir(path.join(src, 'lib'), { recursive: true });
    await writeFile(path.join(src, 'lib', 'back.ts'), 'b');
    await until(path.join(src, 'lib', 'back.ts'), 'upsert');
    await writeFile(path.join(src, 'lib', 'later.ts'), 'l');
    await until(path.join(src, 'lib', 'later.ts'), 'upsert');
  });

  it('out of watches (ENOSPC): gives the fix, polls the path instead, and asks for a catch-up', async () => {
    const exhausted: FolderWatchFn = (folder, onEvent, onError) => {
      if (folder.startsWith(src)) throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${folder}'`), { code: 'ENOSPC' });
      return watchFolderWithInotify(folder, onEvent, onError);
    };
    await start({ watchFolder: exhausted });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/out of file watches.*polling the folders that did not fit instead \(.*src first.*max_user_watches=524288/s);
    expect(errors).toBe(1);
    await writeFile(at('lib', 'polled.ts'), 'p');
    await until(at('lib', 'polled.ts'), 'upsert');
    await rm(at('lib', 'a.ts'));
    await until(at('lib', 'a.ts'), 'delete');
  });

  it('out of watches part way: the watches made stay, only the folders that did not fit are polled', async () => {
    // a wider tree: src/{lib, f0..f5/{g0,g1}}; the 4th watch and every one after it fail as inotify would
    for (let i = 0; i < 6; i += 1) for (const g of ['g0', 'g1']) await mkdir(at(`f${i}`, g), { recursive: true });
    let made = 0;
    let closed = 0;
    const limited: FolderWatchFn = (folder, onEvent, onError) => {
      if (!folder.startsWith(src)) return watchFolderWithInotify(folder, onEvent, onError);
      made += 1;
      if (made >= 4) throw Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${folder}'`), { code: 'ENOSPC' });
      const handle = watchFolderWithInotify(folder, onEvent, onError);
      return { close: () => void (closed++, handle.close()) };
    };
    await start({ watchFolder: limited });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Keeping the \d+ folder watches made; polling the folders that did not fit/);
    expect(closed).toBe(0); // the watches made are kept
    const watched = watchedFolders.filter((f) => f.startsWith(src)).slice(0, 3);
    const polled = watcher!.polledFolders();
    expect(watched).toContain(src); // the root keeps its watch: not the whole tree polled
    expect(polled).not.toContain(src);
    // every folder is watched or under a polled one, never both
    const all = [src, at('lib'), ...[0, 1, 2, 3, 4, 5].flatMap((i) => [at(`f${i}`), at(`f${i}`, 'g0'), at(`f${i}`, 'g1')])];
    const underPolled = (f: string) => polled.some((p) => f === p || f.startsWith(`${p}${path.sep}`));
    for (const f of all) expect(watched.includes(f) !== underPolled(f), f).toBe(true);
    // changes are seen in both: a watched folder's and a polled folder's
    const watchedDir = watched.find((f) => f !== src) ?? src;
    await writeFile(path.join(watchedDir, 'w.ts'), 'w');
    await until(path.join(watchedDir, 'w.ts'), 'upsert');
    const polledDir = polled[0]!;
    await writeFile(path.join(polledDir, 'p.ts'), 'p');
    await until(path.join(polledDir, 'p.ts'), 'upsert');
  });
});
