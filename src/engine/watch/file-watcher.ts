// Watches FOLDERS, not files: one non-recursive fs.watch (inotify) per folder under the watched
// paths, which reports its entries' changes by name. Ignored folders (node_modules, .git, rule
// ignores) are never walked nor watched. An event is checked with lstat: present → upsert, gone →
// delete; so an atomic save (temp file renamed over the original) is a plain upsert at once. New
// folders are walked and watched as they appear (their entries reported, in case they were filled
// before the watch began); vanished ones are dropped. Each watched path's parent is watched for its
// name, so a missing path (.env) or a re-created one is noticed.
//
// When the OS runs out of watches or file handles, the exact fix is reported once, the watches already made are
// kept, and only the folders that did not fit are polled (each with what is under it). Other watcher errors ask
// the caller to compare the host with the container.
import { watch as watchFolderWithFs } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeKind } from './change-batcher.js';
import { PolledFolders } from './folder-poller.js';

export interface FileWatcherOptions {
  /** Folders and files to watch (absolute). */
  paths: string[];
  /** true: leave this path out (never walk into it). isDir is undefined when not known yet. */
  skips: (absPath: string, isDir: boolean | undefined) => boolean;
  onChange: (absPath: string, kind: ChangeKind, isDir: boolean) => void;
  /** A watcher problem, with what to do about it; watching goes on (polling where needed). */
  onWarning: (message: string, hint: string) => void;
  /** After an error: the caller compares the host with what was synced. */
  onError: () => void;
  /** Polling interval once a path falls back to polling. */
  pollIntervalMs?: number;
  /** How one folder is watched (tests replace it). */
  watchFolder?: FolderWatchFn;
}

export interface FileWatcher {
  /** Resolves when the initial walk is done and events are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
  /** Folders polled because watching ran out for them (each with what is under it). */
  polledFolders(): string[];
}

/** Watches one folder's entries; `onEvent` gets the entry's name (null: unknown, rescan). May throw ENOSPC/EMFILE. */
export type FolderWatchFn = (dir: string, onEvent: (name: string | null) => void, onError: (err: Error) => void) => { close(): void };

export const watchFolderWithInotify: FolderWatchFn = (dir, onEvent, onError) => {
  const watcher = watchFolderWithFs(dir, { persistent: true }, (_type, name) => onEvent(name === null ? null : String(name)));
  watcher.on('error', onError);
  return watcher;
};

export function watchFiles(opts: FileWatcherOptions): FileWatcher {
  const watcher = new FolderTreeWatcher(opts);
  return { ready: watcher.start(), close: async () => watcher.close(), polledFolders: () => watcher.polledFolders };
}

interface WatchedFolder {
  handle: { close(): void };
  /** Inode when watched: a different folder moved in under the same name is walked again. */
  ino: number;
}

class FolderTreeWatcher {
  private readonly roots: string[];
  /** Parent folder → names of watched paths in it. */
  private readonly rootNames = new Map<string, Set<string>>();
  private readonly folders = new Map<string, WatchedFolder>();
  /** Paths being looked at after an event; true = another event came meanwhile, look again. */
  private readonly checking = new Map<string, boolean>();
  private readonly polled = new Set<string>();
  private readonly lifetime = new AbortController();
  private readonly watchFolder: FolderWatchFn;
  private poller: PolledFolders | undefined;
  private warnedOutOfWatches = false;

  constructor(private readonly opts: FileWatcherOptions) {
    this.roots = [...new Set(opts.paths.map((p) => path.resolve(p)))];
    for (const root of this.roots) {
      const parent = path.dirname(root);
      if (parent === root) continue;
      this.rootNames.set(parent, (this.rootNames.get(parent) ?? new Set()).add(path.basename(root)));
    }
    this.watchFolder = opts.watchFolder ?? watchFolderWithInotify;
  }

  async start(): Promise<void> {
    await Promise.all(
      this.roots.map(async (root) => {
        await this.guarded(root, async () => {
          const parent = path.dirname(root);
          if (parent !== root) await this.watch(parent);
          const st = await lstat(root).catch(() => undefined);
          if (st?.isDirectory()) await this.walk(root, false);
        });
      }),
    );
  }

  close(): void {
    this.lifetime.abort();
    for (const folder of this.folders.values()) folder.handle.close();
    this.folders.clear();
  }

  /** Watches `dir` and every folder under it that is not skipped; reports their entries when `report`. */
  private async walk(dir: string, report: boolean): Promise<void> {
    if (this.lifetime.signal.aborted) return;
    try {
      if (!(await this.watch(dir))) return;
    } catch (err) {
      const advice = watcherErrorAdvice(err as NodeJS.ErrnoException);
      if (!advice || this.lifetime.signal.aborted) throw err;
      await this.pollInstead(dir, advice);
      return;
    }
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const subfolders: string[] = [];
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const isDir = entry.isDirectory();
      if ((!isDir && !report) || this.opts.skips(abs, isDir)) continue;
      if (report) this.opts.onChange(abs, 'upsert', isDir);
      if (isDir) subfolders.push(abs);
    }
    await Promise.all(subfolders.map((sub) => this.walk(sub, report)));
  }

  /** Starts watching a folder (once); false when it is gone. Throws what the OS says when out of watches. */
  private async watch(dir: string): Promise<boolean> {
    if (this.folders.has(dir)) return true;
    const st = await lstat(dir).catch(() => undefined);
    if (!st?.isDirectory() || this.lifetime.signal.aborted || this.isPolled(dir)) return false;
    if (this.folders.has(dir)) return true;
    try {
      const handle = this.watchFolder(dir, (name) => this.onEvent(dir, name), (err) => this.onFolderError(dir, err));
      this.folders.set(dir, { handle, ino: st.ino });
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw err;
    }
  }

  private onEvent(dir: string, name: string | null): void {
    if (this.lifetime.signal.aborted) return;
    if (name === null) {
      void this.guarded(dir, () => this.walk(dir, true));
      return;
    }
    const abs = path.join(dir, name);
    if (!this.isRoot(abs) && (!this.isUnderRoot(abs) || this.opts.skips(abs, undefined))) return;
    void this.guarded(abs, () => this.check(abs));
  }

  /** Looks at a path after an event, one look at a time per path, again if events came meanwhile. */
  private async check(abs: string): Promise<void> {
    if (this.checking.has(abs)) {
      this.checking.set(abs, true);
      return;
    }
    this.checking.set(abs, false);
    try {
      do {
        this.checking.set(abs, false);
        await this.checkOnce(abs);
      } while (this.checking.get(abs) === true && !this.lifetime.signal.aborted);
    } finally {
      this.checking.delete(abs);
    }
  }

  private async checkOnce(abs: string): Promise<void> {
    const st = await lstat(abs).catch(() => undefined);
    if (this.lifetime.signal.aborted || this.isPolled(abs)) return;
    const watched = this.folders.get(abs);
    if (!st) {
      if (watched) this.unwatchTree(abs);
      this.opts.onChange(abs, 'delete', watched !== undefined);
      return;
    }
    const isDir = st.isDirectory();
    if (!this.isRoot(abs) && this.opts.skips(abs, isDir)) return;
    if (!isDir) {
      if (watched) this.unwatchTree(abs);
      this.opts.onChange(abs, 'upsert', false);
      return;
    }
    if (watched?.ino === st.ino) return; // a folder's own attributes changed: nothing to copy
    if (watched) this.unwatchTree(abs);
    this.opts.onChange(abs, 'upsert', true);
    if (this.isRoot(abs) || this.isUnderRoot(abs)) await this.walk(abs, true);
  }

  private unwatchTree(dir: string): void {
    const prefix = `${dir}${path.sep}`;
    for (const [folder, watched] of this.folders) {
      if (folder !== dir && !folder.startsWith(prefix)) continue;
      watched.handle.close();
      this.folders.delete(folder);
    }
  }

  private onFolderError(dir: string, err: Error): void {
    if (this.lifetime.signal.aborted) return;
    this.folders.get(dir)?.handle.close();
    this.folders.delete(dir);
    void this.guarded(dir, async () => {
      if (watcherErrorAdvice(err as NodeJS.ErrnoException)) throw err;
      this.opts.onWarning(`File watcher error on ${dir}: ${err.message}`, 'Changes are compared with the container again to catch up.');
      await this.walk(dir, true);
      this.opts.onError();
    });
  }

  /** Runs `work`; out of watches or file handles → warns and polls the watched path instead. */
  private async guarded(where: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const advice = watcherErrorAdvice(err as NodeJS.ErrnoException);
      if (!advice || this.lifetime.signal.aborted) {
        if (!this.lifetime.signal.aborted) {
          this.opts.onWarning(`File watcher error: ${(err as Error).message}`, 'Changes are compared with the container again to catch up.');
          this.opts.onError();
        }
        return;
      }
      await Promise.all(this.rootsAt(where).map((root) => this.pollInstead(root, advice)));
    }
  }

  /** Polls `folder` (and what is under it) instead of watching it; the watches made elsewhere stay. */
  private async pollInstead(folder: string, advice: { message: string; hint: string }): Promise<void> {
    if (this.isPolled(folder)) return;
    this.polled.add(folder);
    this.unwatchTree(folder);
    if (!this.warnedOutOfWatches) {
      this.warnedOutOfWatches = true;
      this.opts.onWarning(
        `${advice.message} Keeping the ${this.folders.size} folder watches made; polling the folders that did not fit instead (${folder} first; slower to notice changes).`,
        advice.hint,
      );
    }
    this.poller ??= new PolledFolders({ skips: (p, isDir) => this.opts.skips(p, isDir), intervalMs: this.opts.pollIntervalMs ?? 1000, onChange: this.opts.onChange, signal: this.lifetime.signal });
    await this.poller.add(folder);
    // what changed there between the failed watch and the poller's first scan: compare with the container
    this.opts.onError();
  }

  /** Folders polled instead of watched (tests and diagnostics). */
  get polledFolders(): string[] {
    return [...this.polled];
  }

  /** The watched paths `where` belongs to (under them, or their parent folder). */
  private rootsAt(where: string): string[] {
    const at = this.roots.filter((r) => where === r || where.startsWith(`${r}${path.sep}`) || where === path.dirname(r));
    return at.length > 0 ? at : this.roots;
  }

  private isPolled(p: string): boolean {
    for (const root of this.polled) if (p === root || p.startsWith(`${root}${path.sep}`)) return true;
    return false;
  }

  private isRoot(p: string): boolean {
    return this.rootNames.get(path.dirname(p))?.has(path.basename(p)) === true;
  }

  private isUnderRoot(p: string): boolean {
    return this.roots.some((r) => p.startsWith(`${r}${path.sep}`));
  }
}

/** The exact fix for the watcher errors a person can fix; undefined for others. */
export function watcherErrorAdvice(err: NodeJS.ErrnoException): { message: string; hint: string } | undefined {
  if (err.code === 'ENOSPC') {
    return {
      message: 'The system ran out of file watches (inotify max_user_watches).',
      hint: 'Raise the limit: `sudo sysctl fs.inotify.max_user_watches=524288` (persist it in /etc/sysctl.d/).',
    };
  }
  if (err.code === 'EMFILE' || err.code === 'ENFILE') {
    return {
      message: 'The process ran out of file handles.',
      hint: 'Raise the limit for this shell: `ulimit -n 65536` (or LimitNOFILE for a service).',
    };
  }
  return undefined;
}
