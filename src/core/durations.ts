// The one duration syntax devstack reads: Go's time.ParseDuration, which compose uses for the durations of a
// compose file (healthcheck intervals, stop_grace_period) and `docker logs` for a relative --since/--until.
// An optional sign, then one or more number+unit pairs — `1h30m`, `1.5s`, `.5h`, `250ms`, `-5s`; units ns, us
// (µs, μs), ms, s, m, h; "0" is the only value without a unit. No spaces, no days.
// What a negative duration means is the reader's business: a compose field refuses it (composeDurationMs); for
// logs it is a time after now, as for `docker logs --since -5s`.

/** The whole syntax, for a schema `format` and for checking text before it is read. */
export const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go duration text → milliseconds (signed, fractional below 1 ms); undefined when the text is not one. */
export function parseGoDurationMs(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return text.startsWith('-') ? -total : total;
}

/**
 * A compose file's duration in whole milliseconds; undefined when it is not Go's syntax or is negative (the
 * engine refuses a negative interval; devstack says so at load, at the line).
 */
export function composeDurationMs(text: string): number | undefined {
  const ms = parseGoDurationMs(text);
  return ms === undefined || ms < 0 ? undefined : Math.round(ms);
}
