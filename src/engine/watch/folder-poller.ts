// The fallback when the OS has no watches or file handles left: scan a folder every interval and
// report what differs from the scan before.
import type { ChangeKind } from './change-batcher.js';
import { scanHostFiles, type FileStamps } from './host-files.js';

export interface FolderPollOptions {
  root: string;
  skips: (absPath: string, isDir: boolean) => boolean;
  /** Pause between the end of one scan and the start of the next. */
  intervalMs: number;
  onChange: (absPath: string, kind: ChangeKind, isDir: boolean) => void;
  /** Ends the polling. */
  signal: AbortSignal;
}

/** Resolves `ready` after the first scan; scans until the signal aborts. */
export function pollFolder(opts: FolderPollOptions): { ready: Promise<void> } {
  const scan = (): Promise<FileStamps> => scanHostFiles(opts.root, opts.skips, { deep: true, signal: opts.signal });
  const first = scan();
  void first.then(async (initial) => {
    let before = initial;
    while (!opts.signal.aborted) {
      await pause(opts.intervalMs, opts.signal);
      if (opts.signal.aborted) return;
      const now = await scan();
      if (opts.signal.aborted) return;
      for (const change of stampChanges(before, now)) opts.onChange(change.path, change.kind, change.isDir);
      before = now;
    }
  });
  return { ready: first.then(() => undefined) };
}

/** New or changed entries are upserts; entries gone are deletes. */
export function stampChanges(before: FileStamps, now: FileStamps): { path: string; kind: ChangeKind; isDir: boolean }[] {
  const changes: { path: string; kind: ChangeKind; isDir: boolean }[] = [];
  for (const [p, stamp] of now) {
    const old = before.get(p);
    if (!old || old.isDir !== stamp.isDir || old.size !== stamp.size || old.mtimeMs !== stamp.mtimeMs) {
      changes.push({ path: p, kind: 'upsert', isDir: stamp.isDir });
    }
  }
  for (const [p, old] of before) if (!now.has(p)) changes.push({ path: p, kind: 'delete', isDir: old.isDir });
  return changes;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
