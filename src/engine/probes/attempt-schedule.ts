// How often a waiter asks: every 50 ms for the first second, every 100 ms up to 15 s (a first Postgres start
// with initdb takes 3-10 s: a 1 s pause would add up to a second to every up), then ×1.5 per attempt up to one
// attempt per second. Each attempt is bounded by 2 s or what is left. An attempt is one connection: cheap.

export const FAST_PHASE_MS = 1000;
export const STEADY_PHASE_MS = 15_000;
export const STEADY_INTERVAL_MS = 100;
export const FAST_INTERVAL_MS = 50;
export const MAX_INTERVAL_MS = 1000;
export const BACKOFF_FACTOR = 1.5;
export const ATTEMPT_LIMIT_MS = 2000;

/** The pause before the next attempt, given the time spent waiting so far and the previous pause. */
export function nextAttemptDelayMs(elapsedMs: number, previousDelayMs: number): number {
  if (elapsedMs < FAST_PHASE_MS) return FAST_INTERVAL_MS;
  if (elapsedMs < STEADY_PHASE_MS) return STEADY_INTERVAL_MS;
  return Math.min(MAX_INTERVAL_MS, Math.round(Math.max(STEADY_INTERVAL_MS, previousDelayMs) * BACKOFF_FACTOR));
}

/** The limit of one attempt. */
export function attemptLimitMs(remainingMs: number): number {
  return Math.max(0, Math.min(ATTEMPT_LIMIT_MS, remainingMs));
}
