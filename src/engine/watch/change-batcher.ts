// Gathers file events into batches. Pure, with an injected clock.
//
// A batch is handed over once no event came for `quietMs`, or `maxWaitMs` after its first event
// even if events keep coming (a long `npm install` or a branch switch still syncs as it goes).
// A small batch (one edit, or a save through a temp file: at most `small.maxPaths` paths) goes after
// the shorter `small.quietMs`; should more follow, they make the next batch.
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

export interface SmallBatchRule {
  maxPaths: number;
  quietMs: number;
}

export interface BatcherOptions {
  quietMs: number;
  maxWaitMs: number;
  /** Default DEFAULT_SMALL_BATCH; false: every batch waits `quietMs`. */
  small?: SmallBatchRule | false;
  clock: BatchClock;
  onBatch: (batch: ChangeBatch) => void;
}

/** Our default: compose waits 500 ms; edit-to-visible aims at p95 ≤ 300 ms. */
export const DEFAULT_QUIET_MS = 60;
export const DEFAULT_MAX_WAIT_MS = 1000;
/** Editors write a file, or a temp file then rename it, within a few ms. */
export const DEFAULT_SMALL_BATCH: SmallBatchRule = { maxPaths: 2, quietMs: 15 };

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
    const small = this.opts.small ?? DEFAULT_SMALL_BATCH;
    const quiet = small && this.pending.size <= small.maxPaths ? Math.min(small.quietMs, this.opts.quietMs) : this.opts.quietMs;
    const wait = Math.max(0, Math.min(quiet, this.opts.maxWaitMs - sinceFirst));
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
