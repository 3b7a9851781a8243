// chokidar over the watched folders, reporting upserts and deletes of files the rules care about.
//
// Folders are watched (not globs of files); the `ignored` function uses the rules, so node_modules
// and other ignored folders are never walked. awaitWriteFinish is off (it adds seconds); `atomic`
// turns a save that renames a temp file over the original into a change, not a delete. When the
// OS runs out of watches or file handles, the exact fix is reported and that folder is polled.
import path from 'node:path';
import { FSWatcher } from 'chokidar';
import type { ChangeKind } from './change-batcher.js';

export interface FileWatcherOptions {
  /** Folders and files to watch. */
  paths: string[];
  /** true: leave this path out (never walk into it). isDir is undefined when not known yet. */
  skips: (absPath: string, isDir: boolean | undefined) => boolean;
  onChange: (absPath: string, kind: ChangeKind, isDir: boolean) => void;
  /** A watcher problem, with what to do about it; watching goes on (polling where needed). */
  onWarning: (message: string, hint: string) => void;
  /** After an error: the caller compares the host with what was synced. */
  onError: () => void;
  /** Polling interval once a folder falls back to polling. */
  pollIntervalMs?: number;
}

export interface FileWatcher {
  /** Resolves when the initial walk is done and events are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchFiles(opts: FileWatcherOptions): FileWatcher {
  const watchers: FSWatcher[] = [];
  const polled = new Set<string>();
  const start = (paths: string[], usePolling: boolean): FSWatcher => {
    const watcher = new FSWatcher({
      ignoreInitial: true,
      awaitWriteFinish: false,
      atomic: true,
      followSymlinks: false,
      usePolling,
      interval: opts.pollIntervalMs ?? 1000,
      ignored: (p, stats) => opts.skips(path.resolve(p), stats ? stats.isDirectory() : undefined),
    });
    watcher.on('add', (p) => opts.onChange(path.resolve(p), 'upsert', false));
    watcher.on('change', (p) => opts.onChange(path.resolve(p), 'upsert', false));
    watcher.on('addDir', (p) => opts.onChange(path.resolve(p), 'upsert', true));
    watcher.on('unlink', (p) => opts.onChange(path.resolve(p), 'delete', false));
    watcher.on('unlinkDir', (p) => opts.onChange(path.resolve(p), 'delete', true));
    watcher.on('error', (err) => {
      const advice = watcherErrorAdvice(err as NodeJS.ErrnoException);
      const where = (err as NodeJS.ErrnoException).path;
      const root = paths.find((r) => where !== undefined && (where === r || where.startsWith(`${r}${path.sep}`))) ?? paths[0];
      if (advice && !usePolling && root !== undefined && !polled.has(root)) {
        polled.add(root);
        opts.onWarning(`${advice.message} Polling ${root} instead (slower to notice changes).`, advice.hint);
        watchers.push(start([root], true));
      } else if (!advice) {
        opts.onWarning(`File watcher error: ${(err as Error).message}`, 'Changes are compared with the container again to catch up.');
      }
      opts.onError();
    });
    watcher.add(paths);
    return watcher;
  };
  const main = start(opts.paths, false);
  watchers.push(main);
  const ready = new Promise<void>((resolve) => main.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
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
