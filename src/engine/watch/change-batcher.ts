// Gathers file events into batches. Pure, with an injected clock.
//
// A batch is handed over once no event came for `quietMs`, or `maxWaitMs` after its first event
// even if events keep coming (a long `npm install` or a branch switch still syncs as it goes).
// Each path appears once, with its final state: created then deleted = deleted.

export type ChangeKind = 'upsert' | 'delete';

/** Path → final kind, in first-seen order. */
export type ChangeBatch = Map<string, ChangeKind>;

export interface BatchClock {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  schedule(fn: () => void, ms: number): () => void;
}

export const systemClock: BatchClock = {
  now: () => performance.now(),
  schedule: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface BatcherOptions {
  quietMs: number;
  maxWaitMs: number;
  clock: BatchClock;
  onBatch: (batch: ChangeBatch) => void;
}

/** Our default: compose waits 500 ms; edit-to-visible aims at p95 ≤ 300 ms. */
export const DEFAULT_QUIET_MS = 60;
export const DEFAULT_MAX_WAIT_MS = 1000;

export class ChangeBatcher {
  private pending: ChangeBatch = new Map();
  private firstAt = 0;
  private cancelTimer: (() => void) | undefined;

  constructor(private readonly opts: BatcherOptions) {}

  add(path: string, kind: ChangeKind): void {
    if (this.pending.size === 0) this.firstAt = this.opts.clock.now();
    this.pending.set(path, kind);
    this.cancelTimer?.();
    const sinceFirst = this.opts.clock.now() - this.firstAt;
    const wait = Math.max(0, Math.min(this.opts.quietMs, this.opts.maxWaitMs - sinceFirst));
    this.cancelTimer = this.opts.clock.schedule(() => this.flush(), wait);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Hands over what is pending now (nothing when empty). */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.opts.onBatch(batch);
  }

  /** Drops what is pending and stops the timer. */
  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.pending = new Map();
  }
}
