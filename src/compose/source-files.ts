// The files a project is read from, each with a stamp taken just before it was read. A stamp is the file's
// inode, size, mtime and ctime (or "missing"). `watch` compares the stamps with the files once its watcher
// is ready: a save that lands between a load and a ready watcher would otherwise go unseen. A write
// between the stamp and the read shows as a change too; one reload more, never one less.
import { statSync } from 'node:fs';

export class SourceFiles {
  private readonly stamps = new Map<string, string>();

  /** Call just before reading `file`. A file read twice keeps its first stamp. */
  noteRead(file: string): void {
    if (!this.stamps.has(file)) this.stamps.set(file, fileStamp(file));
  }

  get files(): string[] {
    return [...this.stamps.keys()];
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.stamps);
  }
}

export function fileStamp(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

/** The files whose stamp is not the one recorded (edited, replaced, created or removed since). */
export function changedSinceRead(stamps: Record<string, string>): string[] {
  return Object.entries(stamps)
    .filter(([file, stamp]) => fileStamp(file) !== stamp)
    .map(([file]) => file);
}
