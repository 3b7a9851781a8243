// What a bind mount's host path is on this host: a folder, a file, something else (socket, device, fifo), or nothing.
import { statSync } from 'node:fs';
import type { HostPathKind } from '../../core/remote-binds.js';

export function hostPathKind(hostPath: string): HostPathKind {
  try {
    const stats = statSync(hostPath);
    if (stats.isDirectory()) return 'directory';
    if (stats.isFile()) return 'file';
    return 'other';
  } catch {
    return 'missing';
  }
}
