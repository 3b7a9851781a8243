// A clock that moves only when the code under test has nothing else to do: then it jumps to the next sleep's end
// (or the next scripted action). Waits run in virtual time, the same way every run, with no wall-clock dependence.
import type { Clock } from '../../../src/engine/probes/clock.js';

interface Sleeper {
  at: number;
  wake: () => void;
}

/** Enough turns of the event loop for in-memory promise chains (fake engine, event queues) to settle. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  private time: number;
  private readonly sleepers = new Set<Sleeper>();
  private readonly actions: { at: number; run: () => void }[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        at: this.time + Math.max(0, ms),
        wake: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Runs `action` once the clock reaches `ms` from now. */
  after(ms: number, action: () => void): void {
    this.actions.push({ at: this.time + ms, run: action });
  }

  /** Settles `promise`, moving time forward to the next sleep's end or action each time all else is idle. */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000): Promise<T> {
    const limit = this.time + limitMs;
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await settle();
      if (settled) return promise;
      const next = Math.min(...[...this.sleepers].map((s) => s.at), ...this.actions.map((a) => a.at));
      if (!Number.isFinite(next)) throw new Error('ManualClock: the promise is pending but nothing sleeps');
      if (next > limit) throw new Error(`ManualClock: still pending after ${limitMs} ms of virtual time`);
      this.time = Math.max(this.time, next);
      for (const action of this.actions.filter((a) => a.at <= this.time)) {
        this.actions.splice(this.actions.indexOf(action), 1);
        action.run();
      }
      for (const sleeper of [...this.sleepers]) if (sleeper.at <= this.time) sleeper.wake();
    }
  }
}
