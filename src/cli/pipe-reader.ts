// Whether the reader of our stdout pipe is still there. A pipe tells its writer only when it writes (EPIPE), so a
// quiet `logs -f | head -1` would notice that `head` is gone only at the next log line. GNU `tail -f` polls the
// pipe for POLLERR; Node cannot, so on Linux this asks /proc instead: which processes of our own process group (the
// shell pipeline) hold the pipe open for reading. It only concludes "gone" after it has seen such a reader; a pipe
// read from elsewhere (a FIFO, another group, a process it may not inspect) is left to EPIPE.
import { fstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

const CHECK_MS = 1000;

/** Calls `onGone` once the readers of pipe `fd` in our process group have all exited; returns a stop function. */
export function watchPipeReader(fd: number, onGone: () => void, proc = '/proc'): () => void {
  if (process.platform !== 'linux') return () => {};
  let target: string;
  let group: string | undefined;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFIFO()) return () => {};
    target = `pipe:[${stat.ino}]`;
    group = processGroup(proc, 'self');
  } catch {
    return () => {};
  }
  if (group === undefined || readersInGroup(proc, group, target) === 0) return () => {};
  const timer = setInterval(() => {
    if (readersInGroup(proc, group, target) > 0) return;
    clearInterval(timer);
    onGone();
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Open read ends of the pipe held by processes of the group (our own process only writes to it). */
export function readersInGroup(proc: string, group: string, target: string): number {
  let readers = 0;
  const self = String(process.pid);
  for (const pid of safe(() => readdirSync(proc), [])) {
    if (!/^\d+$/.test(pid) || pid === self || processGroup(proc, pid) !== group) continue;
    for (const fd of safe(() => readdirSync(`${proc}/${pid}/fd`), [])) {
      if (safe(() => readlinkSync(`${proc}/${pid}/fd/${fd}`), '') !== target) continue;
      const flags = /^flags:\s+([0-7]+)$/m.exec(safe(() => readFileSync(`${proc}/${pid}/fdinfo/${fd}`, 'utf8'), ''))?.[1];
      if (flags !== undefined && (parseInt(flags, 8) & 3) !== 1) readers++; // not O_WRONLY
    }
  }
  return readers;
}

/** The process group id from /proc/PID/stat (the fields after the command name: state, ppid, pgrp). */
function processGroup(proc: string, pid: string): string | undefined {
  const stat = safe(() => readFileSync(`${proc}/${pid}/stat`, 'utf8'), '');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2];
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
