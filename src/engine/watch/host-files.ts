// What the host has under a rule's path (size + mtime per file), and what was last synced from it.
// The catch-up pass compares the two, so a change the watcher missed is still synced.
import { lstatSync, type Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeBatch } from './change-batcher.js';
import { relativeInside } from '../../core/path-inside.js';

export interface FileStamp {
  size: number;
  mtimeMs: number;
  isDir: boolean;
}

export type FileStamps = Map<string, FileStamp>;

/** Folders read at the same time while scanning. */
const SCAN_PARALLELISM = 16;
/** Entries stat'ed between two turns of the event loop. */
const STAT_SLICE = 256;

/**
 * Stamps of `root` and everything under it that `skips` does not leave out; with deep: false,
 * only `root`'s direct entries. A missing root yields an empty map.
 */
export async function scanHostFiles(
  root: string,
  skips: (absPath: string, isDir: boolean) => boolean,
  opts: { deep: boolean; signal: AbortSignal },
): Promise<FileStamps> {
  const stamps: FileStamps = new Map();
  const rootStat = await lstat(root).catch(() => undefined);
  if (!rootStat) return stamps;
  if (!rootStat.isDirectory()) {
    stamps.set(root, { size: rootStat.size, mtimeMs: rootStat.mtimeMs, isDir: false });
    return stamps;
  }
  const queue = [root];
  // Entries are stat'ed synchronously (a few µs each, against tens through the thread pool), a
  // slice at a time so that a huge folder does not hold the event loop.
  const readOne = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const [i, entry] of entries.entries()) {
      if (i > 0 && i % STAT_SLICE === 0) await new Promise((r) => setImmediate(r));
      const abs = path.join(dir, entry.name);
      const isDir = entry.isDirectory();
      if (skips(abs, isDir)) continue;
      const st = statOrUndefined(abs);
      if (!st) continue;
      stamps.set(abs, { size: isDir ? 0 : st.size, mtimeMs: isDir ? 0 : st.mtimeMs, isDir });
      if (isDir && opts.deep) queue.push(abs);
    }
  };
  await new Promise<void>((resolve) => {
    let active = 0;
    const pump = (): void => {
      while (active < SCAN_PARALLELISM && queue.length > 0 && !opts.signal.aborted) {
        active++;
        void readOne(queue.shift()!)
          .catch(() => undefined)
          .finally(() => {
          active--;
          pump();
        });
      }
      if (active === 0) resolve();
    };
    pump();
  });
  return stamps;
}

function statOrUndefined(abs: string): Stats | undefined {
  try {
    return lstatSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined; // gone meanwhile (ENOTDIR), or not ours to read
  }
}

/**
 * What differs between the last synced stamps and a fresh scan of `scope` (a folder; deep or only
 * its direct entries): new or changed files are upserts, synced files gone from the host are deletes.
 */
export function diffStamps(synced: FileStamps, scanned: FileStamps, scope: { dir: string; deep: boolean }): ChangeBatch {
  const changes: ChangeBatch = new Map();
  for (const [file, now] of scanned) {
    const before = synced.get(file);
    if (!before || before.isDir !== now.isDir || (!now.isDir && (before.size !== now.size || before.mtimeMs !== now.mtimeMs))) {
      changes.set(file, 'upsert');
    }
  }
  for (const file of synced.keys()) {
    if (!scanned.has(file) && inScope(file, scope)) changes.set(file, 'delete');
  }
  return changes;
}

function inScope(file: string, scope: { dir: string; deep: boolean }): boolean {
  const rel = relativeInside(scope.dir, file);
  if (rel === undefined || rel === '') return false;
  return scope.deep || !rel.includes(path.sep);
}
