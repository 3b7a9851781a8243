// Host scans (the catch-up pass and the polling fallback compare them).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stampChanges } from '../../../src/engine/watch/folder-poller.js';
import { diffStamps, scanHostFiles } from '../../../src/engine/watch/host-files.js';

let dir: string;
const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const skipsNodeModules = (p: string): boolean => path.basename(p) === 'node_modules';

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dswperf-scan-'));
  await mkdir(path.join(dir, 'a', 'b'), { recursive: true });
  await mkdir(path.join(dir, 'node_modules', 'x'), { recursive: true });
  await writeFile(path.join(dir, 'top.txt'), '1');
  await writeFile(path.join(dir, 'a', 'b', 'deep.txt'), '22');
  await writeFile(path.join(dir, 'node_modules', 'x', 'i.js'), 'x');
  // A folder bigger than one stat slice.
  await mkdir(path.join(dir, 'many'));
  await Promise.all(Array.from({ length: 600 }, (_, i) => writeFile(path.join(dir, 'many', `f${i}`), String(i))));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scanHostFiles', () => {
  it('stamps everything under the root that is not skipped, without walking skipped folders', async () => {
    const stamps = await scanHostFiles(dir, skipsNodeModules, { deep: true, signal: signal() });
    expect(stamps.get(path.join(dir, 'a', 'b', 'deep.txt'))).toMatchObject({ size: 2, isDir: false });
    expect(stamps.get(path.join(dir, 'a'))).toEqual({ size: 0, mtimeMs: 0, isDir: true });
    expect([...stamps.keys()].some((p) => p.includes('node_modules'))).toBe(false);
    expect(stamps.size).toBe(4 + 1 + 600);
  });

  it('only the direct entries when not deep; nothing for a missing root', async () => {
    const stamps = await scanHostFiles(dir, skipsNodeModules, { deep: false, signal: signal() });
    expect([...stamps.keys()].map((p) => path.relative(dir, p)).sort()).toEqual(['a', 'many', 'top.txt']);
    expect((await scanHostFiles(path.join(dir, 'nope'), skipsNodeModules, { deep: true, signal: signal() })).size).toBe(0);
  });

  it('differences: changed and new files are upserts, vanished ones deletes (diffStamps within scope; stampChanges all)', async () => {
    const before = await scanHostFiles(dir, skipsNodeModules, { deep: true, signal: signal() });
    await writeFile(path.join(dir, 'top.txt'), '333');
    await writeFile(path.join(dir, 'new.txt'), 'n');
    await rm(path.join(dir, 'a'), { recursive: true });
    const after = await scanHostFiles(dir, skipsNodeModules, { deep: true, signal: signal() });
    const rel = (entries: Iterable<[string, string]>): string[] => [...entries].map(([p, k]) => `${k} ${path.relative(dir, p)}`).sort();
    expect(rel(diffStamps(before, after, { dir, deep: true }))).toEqual(['delete a', 'delete a/b', 'delete a/b/deep.txt', 'upsert new.txt', 'upsert top.txt']);
    expect(stampChanges(before, after).map((c) => `${c.kind} ${path.relative(dir, c.path)} ${c.isDir}`).sort()).toEqual([
      'delete a true', 'delete a/b true', 'delete a/b/deep.txt false', 'upsert new.txt false', 'upsert top.txt false',
    ]);
  });
});
