// What `doctor` reads of this machine: folder owners, env files' keys, inotify limits and the instances in use,
// how many folders a watch would cover, free space, and the engine sockets that exist. Read-only; never throws
// for a missing file (the answer is then "unknown").
import { readdirSync, readFileSync, readlinkSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import type { FolderOwner } from '../../core/bind-mount-access.js';

export function folderOwner(hostPath: string): FolderOwner | undefined {
  try {
    const st = statSync(hostPath);
    return st.isDirectory() ? { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 } : undefined;
  } catch {
    return undefined;
  }
}

/** Keys an env file sets, with their lines; undefined when the file does not exist. */
export function envFileKeys(file: string): { name: string; line: number }[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return text.split(/\r?\n/).flatMap((l, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(l);
    return m ? [{ name: m[1]!, line: i + 1 }] : [];
  });
}

const readNumber = (file: string): number | undefined => {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
};

export interface InotifyFacts { maxUserWatches: number; maxUserInstances: number; instancesInUse: number; watchesInUse: number }

/** The limits, and the inotify instances the processes of this uid hold now (their fds on anon_inode:inotify). */
export function inotifyFacts(uid = process.getuid?.() ?? 0, sysctlDir = '/proc/sys/fs/inotify'): InotifyFacts | undefined {
  const maxUserWatches = readNumber(path.join(sysctlDir, 'max_user_watches'));
  const maxUserInstances = readNumber(path.join(sysctlDir, 'max_user_instances'));
  if (maxUserWatches === undefined || maxUserInstances === undefined) return undefined;
  let instancesInUse = 0;
  let watchesInUse = 0;
  for (const pid of safeReaddir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (statSync(`/proc/${pid}`).uid !== uid) continue;
    } catch {
      continue;
    }
    for (const fd of safeReaddir(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
        instancesInUse += 1;
        watchesInUse += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return { maxUserWatches, maxUserInstances, instancesInUse, watchesInUse };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const SKIPPED = new Set(['node_modules', '.git']);

/**
 * The folders a watch of these paths takes one inotify watch each for, as devstack's watcher does: every folder
 * under a folder path (node_modules and .git left out) and each path's parent folder (which tells when it is
 * created or replaced).
 */
export function countFolders(paths: string[], cap = 1_000_000): number {
  const parents = new Set(paths.map((p) => path.dirname(p)));
  let count = [...parents].filter((p) => !paths.includes(p)).length;
  const seen = new Set<string>();
  const stack = paths.filter((p) => folderOwner(p) !== undefined);
  while (stack.length > 0 && count < cap) {
    const dir = stack.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    count += 1;
    try {
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !SKIPPED.has(e.name)) stack.push(path.join(dir, e.name));
    } catch {
      // unreadable: counted, not entered
    }
  }
  return count;
}

export function freeSpace(p: string): { freeBytes: number; totalBytes: number } | undefined {
  try {
    const s = statfsSync(p);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}

export interface SocketFacts {
  path: string;
  exists: boolean;
  /** The socket file's group, by name when /etc/group has it. */
  group?: { gid: number; name?: string };
  mode?: number;
}

export function socketFacts(socketPath: string): SocketFacts {
  try {
    const st = statSync(socketPath);
    const name = groupName(st.gid);
    return { path: socketPath, exists: true, group: { gid: st.gid, ...(name ? { name } : {}) }, mode: st.mode & 0o777 };
  } catch {
    return { path: socketPath, exists: false };
  }
}

function groupName(gid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (id !== undefined && Number(id) === gid) return name;
    }
  } catch {
    // no /etc/group
  }
  return undefined;
}

/** Whether /etc/group lists `user` as a member of the group `gid`. */
export function listedInGroup(user: string, gid: number): boolean {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [, , id, members = ''] = line.split(':');
      if (id !== undefined && Number(id) === gid) return members.split(',').includes(user);
    }
  } catch {
    // no /etc/group
  }
  return false;
}

/** The user's name (USER / LOGNAME, else /etc/passwd by uid). */
export function userName(env: Record<string, string | undefined>, uid = process.getuid?.() ?? 0): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (id !== undefined && Number(id) === uid && name) return name;
    }
  } catch {
    // no /etc/passwd
  }
  return env.USER ?? env.LOGNAME ?? String(uid);
}

/** Rootless Docker and Podman sockets that exist for this user (or system-wide for Podman). */
export function alternativeSockets(env: Record<string, string | undefined>, uid = process.getuid?.() ?? 0): string[] {
  const runtime = env.XDG_RUNTIME_DIR ?? `/run/user/${uid}`;
  const candidates = [path.join(runtime, 'docker.sock'), path.join(runtime, 'podman', 'podman.sock'), '/run/podman/podman.sock'];
  return [...new Set(candidates)].filter((p) => {
    try {
      return statSync(p).isSocket();
    } catch {
      return false;
    }
  });
}
