// Copies changed host files into a container (one tar per batch) and removes deleted ones (one
// `rm -rf` per batch), through a transport: the engine's putArchive + exec, or a sync channel.
import { readFile, lstat, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { ExecPort } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import type { FileStamp } from './host-files.js';

export interface SyncCopy {
  hostPath: string;
  /** Absolute container path. */
  containerPath: string;
}

export interface SyncResult {
  /** Host paths copied, with their stamps from just before they were read. */
  copied: Map<string, FileStamp>;
  /** Host paths that were gone by the time they were read (the caller treats them as deletes). */
  vanished: string[];
  removed: string[];
}

/** How a batch reaches one container. */
export interface SyncTransport {
  /** rm -rf of absolute container paths. */
  remove(paths: string[]): Promise<void>;
  /** Extracts a tar whose names are relative to /. */
  extract(archive: Buffer): Promise<void>;
}

/** One engine request per step: exec `rm -rf`, putArchive. */
export function engineTransport(engine: Pick<ExecPort, 'exec' | 'putArchive'>, containerId: string): SyncTransport {
  return {
    remove: async (paths) => {
      const res = await engine.exec(containerId, ['rm', '-rf', '--', ...paths]);
      if (res.exitCode !== 0) throw removeFailed(paths.length, res.output);
    },
    extract: (archive) => engine.putArchive(containerId, '/', Readable.from([archive])),
  };
}

export function removeFailed(count: number, output: string): DevstackError {
  return new DevstackError('engine', `Removing ${count} deleted file(s) in the container failed: ${output.trim()}`, {
    hint: 'The container needs `rm`; check that the target folder is writable by its user.',
  });
}

/** Deletes first (a folder removed then re-created keeps its new files), then copies. */
export async function syncToContainer(
  engine: Pick<ExecPort, 'exec' | 'putArchive'>,
  containerId: string,
  copies: SyncCopy[],
  deletes: string[],
  transport: SyncTransport = engineTransport(engine, containerId),
): Promise<SyncResult> {
  const removed = [...new Set(deletes)].filter((p) => p !== '/' && p !== '');
  if (removed.length > 0) await transport.remove(removed);
  if (copies.length === 0) return { copied: new Map(), vanished: [], removed };
  const { archive, copied, vanished } = await buildArchive(copies);
  if (copied.size > 0) await transport.extract(archive);
  return { copied, vanished, removed };
}

/**
 * A tar of the files (whole contents read first, so a file changing meanwhile cannot break the
 * archive), named by their container paths relative to `/`, with their modes and mtimes.
 */
export async function buildArchive(copies: SyncCopy[]): Promise<{ archive: Buffer; copied: Map<string, FileStamp>; vanished: string[] }> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c) => void chunks.push(c as Buffer));
  const finished = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  const copied = new Map<string, FileStamp>();
  const vanished: string[] = [];
  for (const copy of copies) {
    const entry = await readEntry(copy.hostPath);
    if (!entry) {
      vanished.push(copy.hostPath);
      continue;
    }
    const name = copy.containerPath.replace(/^\/+/, '');
    const header = { name, mode: entry.mode & 0o7777, mtime: entry.mtime };
    if (entry.kind === 'dir') tar.entry({ ...header, type: 'directory' });
    else if (entry.kind === 'symlink') tar.entry({ ...header, type: 'symlink', linkname: entry.linkname });
    else tar.entry({ ...header, type: 'file', size: entry.data.length }, entry.data);
    copied.set(copy.hostPath, entry.stamp);
  }
  tar.finalize();
  await finished;
  return { archive: Buffer.concat(chunks), copied, vanished };
}

type HostEntry =
  | { kind: 'file'; mode: number; mtime: Date; stamp: FileStamp; data: Buffer }
  | { kind: 'dir'; mode: number; mtime: Date; stamp: FileStamp }
  | { kind: 'symlink'; mode: number; mtime: Date; stamp: FileStamp; linkname: string };

async function readEntry(hostPath: string): Promise<HostEntry | undefined> {
  try {
    const st = await lstat(hostPath);
    const base = { mode: st.mode, mtime: st.mtime };
    // The same stamp a scan gives (folders: size and time do not matter).
    if (st.isDirectory()) return { kind: 'dir', ...base, stamp: { size: 0, mtimeMs: 0, isDir: true } };
    const stamp = { size: st.size, mtimeMs: st.mtimeMs, isDir: false };
    if (st.isSymbolicLink()) return { kind: 'symlink', ...base, stamp, linkname: await readlink(hostPath) };
    if (!st.isFile()) return undefined;
    return { kind: 'file', ...base, stamp, data: await readFile(hostPath) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
