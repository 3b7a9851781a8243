// The contract of the per-project lock: `up`, `down`, `reset-db`, `snapshot-db` and watch's reload/rebuild of one
// project run one at a time. src/engine/lock implements it; commands and use cases receive it.
import type { EventSink } from './events.js';

/** Who holds a project's lock, as the holder itself tells. */
export interface LockHolder {
  pid: number;
  /** The command line, e.g. `devstack up --build`. */
  command: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

export interface ProjectLockRequest {
  project: string;
  /** This run's command line, told to whoever waits for it. */
  command: string;
  /** How long to wait for another run to release the lock before failing. */
  waitLimitMs: number;
  signal: AbortSignal;
  /** Told once the lock is taken by someone else (and again when the holder changes). */
  onBusy: (holder: LockHolder | undefined) => void;
}

export interface HeldLock {
  release(): Promise<void>;
}

export type LockProject = (req: ProjectLockRequest) => Promise<HeldLock>;

/** Runs a task holding the project's lock. */
export type Exclusive = <T>(task: () => Promise<T>) => Promise<T>;

/** The line shown while a run waits for another one. */
export function describeHolder(project: string, holder: LockHolder | undefined, now: number, waitLimitMs: number): string {
  const who = holder ? `\`${holder.command}\` (pid ${holder.pid}) holds it since ${clock(holder.since)} (${Math.max(0, Math.round((now - Date.parse(holder.since)) / 1000))} s)` : 'another devstack run holds it';
  return `project ${project} is busy: ${who}; waiting up to ${Math.round(waitLimitMs / 1000)} s for it to finish`;
}

/** Wraps the lock with its notices: one line when another run holds it, one when it is free again. */
export function exclusiveRun(lock: LockProject, req: Omit<ProjectLockRequest, 'onBusy'> & { onEvent: EventSink }): Exclusive {
  return async (task) => {
    let waited = false;
    const held = await lock({
      ...req,
      onBusy: (holder) => {
        waited = true;
        req.onEvent({ type: 'notice', level: 'warn', message: describeHolder(req.project, holder, Date.now(), req.waitLimitMs) });
      },
    });
    if (waited) req.onEvent({ type: 'notice', level: 'info', message: `project ${req.project}: the other run finished; going on` });
    try {
      return await task();
    } finally {
      await held.release();
    }
  };
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19) + ' UTC';
}
