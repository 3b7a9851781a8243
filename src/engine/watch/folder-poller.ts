// The fallback when the OS has no watches or file handles left: scan the folders that could not be watched every
// interval and report what differs from the scan before.
import type { ChangeKind } from './change-batcher.js';
import { scanHostFiles, type FileStamps } from './host-files.js';

export interface PolledFoldersOptions {
  skips: (absPath: string, isDir: boolean) => boolean;
  /** Pause between the end of one round of scans and the start of the next. */
  intervalMs: number;
  onChange: (absPath: string, kind: ChangeKind, isDir: boolean) => void;
  /** Ends the polling. */
  signal: AbortSignal;
}

/**
 * The folders polled instead of watched (each with what is under it), in one loop: every interval each is scanned
 * and what differs from its previous scan is reported. Folders are added as watching runs out for them, so only
 * what did not fit is scanned, not the whole tree.
 */
export class PolledFolders {
  /** Folder → its last scan; undefined while its first scan (the baseline, not reported) runs. */
  private readonly stamps = new Map<string, FileStamps | undefined>();
  private looping = false;

  constructor(private readonly opts: PolledFoldersOptions) {}

  get folders(): string[] {
    return [...this.stamps.keys()];
  }

  /** Starts polling `root`; resolves after its first scan. */
  async add(root: string): Promise<void> {
    if (this.stamps.has(root)) return;
    this.stamps.set(root, undefined);
    this.stamps.set(root, await this.scan(root));
    if (this.looping || this.opts.signal.aborted) return;
    this.looping = true;
    void this.loop();
  }

  private scan(root: string): Promise<FileStamps> {
    return scanHostFiles(root, this.opts.skips, { deep: true, signal: this.opts.signal });
  }

  private async loop(): Promise<void> {
    while (!this.opts.signal.aborted) {
      await pause(this.opts.intervalMs, this.opts.signal);
      for (const [root, before] of [...this.stamps]) {
        if (this.opts.signal.aborted) return;
        if (before === undefined) continue;
        const now = await this.scan(root);
        if (this.opts.signal.aborted) return;
        for (const change of stampChanges(before, now)) this.opts.onChange(change.path, change.kind, change.isDir);
        this.stamps.set(root, now);
      }
    }
  }
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
