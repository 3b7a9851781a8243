// The time a wait reads and sleeps on. Waits take it as a parameter, so their tests run on a clock they move
// themselves instead of the wall clock.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/** A signal that aborts after `ms` on `clock` (a TimeoutError, as AbortSignal.timeout gives), or with `parent`. */
export function clockTimeout(clock: Clock, ms: number, parent?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean; cancel: () => void } {
  const controller = new AbortController();
  const cancel = new AbortController();
  let fired = false;
  void clock.sleep(ms, AbortSignal.any([cancel.signal, ...(parent ? [parent] : [])])).then(() => {
    if (cancel.signal.aborted || parent?.aborted) return;
    fired = true;
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  });
  const signal = parent ? AbortSignal.any([parent, controller.signal]) : controller.signal;
  return { signal, timedOut: () => fired, cancel: () => cancel.abort() };
}
