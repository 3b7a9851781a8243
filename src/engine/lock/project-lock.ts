// The per-project lock: a listening Unix socket named after the project. On Linux it lives in the abstract
// namespace (a name, no file): the kernel frees it the moment the holding process ends, however it ends
// (SIGKILL, OOM, a crash), so there is no stale lock to detect and no pid to trust. Whoever finds it taken
// connects to it and the holder answers who it is (pid, command, since). Elsewhere (macOS) it is a socket
// file in the temp folder; one nobody answers on is left over and removed.
//
// Why not a lock file with a pid: a pid can be reused and a file outlives a crash, so staleness would be a
// guess (and two runs that both judge it stale both win). Why not flock: Node has no flock without a native addon.
// Abstract sockets are per network namespace: a devstack inside a container does not see one on the host.
import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { DevstackError } from '../../core/errors.js';
import type { HeldLock, LockHolder, ProjectLockRequest } from '../../core/project-lock.js';

const RETRY_MS = 150;
const ASK_LIMIT_MS = 1000;

export function lockAddress(project: string, platform: NodeJS.Platform = process.platform): string {
  const id = /^[a-z0-9_.-]{1,64}$/.test(project) ? project : createHash('sha256').update(project).digest('hex').slice(0, 32);
  return platform === 'linux' ? `\0devstack/project-lock/${id}` : join(tmpdir(), `devstack-lock-${id}.sock`);
}

export async function lockProject(req: ProjectLockRequest): Promise<HeldLock> {
  const address = lockAddress(req.project);
  const me: LockHolder = { pid: process.pid, command: req.command, since: '' };
  const deadline = Date.now() + req.waitLimitMs;
  let told: string | undefined;
  let holder: LockHolder | undefined;
  for (;;) {
    if (req.signal.aborted) throw new DevstackError('interrupted', `interrupted while waiting for project ${req.project}'s lock`);
    const server = await tryListen(address, { ...me, since: new Date().toISOString() });
    if (server) return { release: () => closeServer(server) };
    holder = await askHolder(address);
    if (holder === undefined && process.platform !== 'linux' && (await isLeftOver(address))) {
      await unlink(address).catch(() => undefined);
      continue;
    }
    const key = holder ? `${holder.pid}/${holder.since}` : 'unknown';
    if (key !== told) {
      told = key;
      req.onBusy(holder);
    }
    if (Date.now() >= deadline) throw busyError(req, holder);
    await sleep(Math.min(RETRY_MS, Math.max(0, deadline - Date.now())), undefined, { signal: req.signal }).catch(() => undefined);
  }
}

function busyError(req: ProjectLockRequest, holder: LockHolder | undefined): DevstackError {
  const who = holder ? `\`${holder.command}\` (pid ${holder.pid}, since ${holder.since})` : 'another devstack run';
  return new DevstackError('timeout', `project ${req.project} is still busy after ${Math.round(req.waitLimitMs / 1000)} s: ${who} holds it`, {
    hint: holder
      ? `Wait for it to finish, or stop it (kill ${holder.pid}), then run this again.`
      : 'Wait for the other devstack command on this project to finish, then run this again.',
  });
}

/** Listens on the address; undefined when someone else does. */
function tryListen(address: string, info: LockHolder): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(`${JSON.stringify(info)}\n`);
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(undefined);
      else reject(new DevstackError('internal', `could not take project lock ${address.replace('\0', '@')}: ${err.message}`, { cause: err }));
    });
    server.listen(address, () => {
      server.unref(); // holding the lock must not keep the process alive
      resolve(server);
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Asks the holder who it is; undefined when it does not answer in time (or just let go). */
function askHolder(address: string): Promise<LockHolder | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect(address);
    const done = (holder: LockHolder | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(holder);
    };
    const timer = setTimeout(() => done(undefined), ASK_LIMIT_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 4096) done(undefined);
    });
    socket.on('end', () => done(parseHolder(text)));
    socket.on('error', () => done(undefined));
  });
}

export function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.command === 'string' && typeof v.since === 'string') return { pid: v.pid, command: v.command, since: v.since };
  } catch {
    // not a holder's answer
  }
  return undefined;
}

/** A socket file nobody listens on (its process died). */
function isLeftOver(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
