// Times for `devstack logs --since/--until` and for ordering log lines. Pure.
import { parseGoDurationMs } from '../core/durations.js';
import { DevstackError } from '../core/errors.js';

const UNIX_SECONDS = /^\d+(?:\.\d+)?$/;
const DATE_TIME =
  /^(\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)?)?$/;

/**
 * A `--since`/`--until` value → unix seconds, read as `docker logs` reads it: a Go duration back from now
 * (`45s`, `10m`, `1h30m`; a negative one, `-5m`, is that long after now; "0" is not a duration but unix time 0),
 * RFC 3339 (`2024-05-01T10:00:00Z`, fractional seconds, offsets; no offset = local time), a date
 * (`2024-05-01`, local midnight) or unix seconds (`1714557600.5`).
 */
export function parseLogTime(value: string, nowMs: number, flag = '--since'): number {
  const text = value.trim();
  const relativeMs = text === '0' ? undefined : parseGoDurationMs(text);
  if (relativeMs !== undefined) return (nowMs - relativeMs) / 1000;
  if (UNIX_SECONDS.test(text)) return Number(text);
  const absolute = parseDateTime(text);
  if (absolute !== undefined) return absolute;
  throw new DevstackError('usage', `${flag} "${value}" is not a time devstack understands.`, {
    hint: `Use a duration back from now (45s, 10m, 1h30m), RFC 3339 (2024-05-01T10:00:00Z) or unix seconds.`,
  });
}

/** RFC 3339 or a bare date → unix seconds; undefined when it is neither. */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = m;
  const base = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  const ms = Date.parse(zone === undefined ? base : `${base}${normalizeZone(zone)}`);
  if (Number.isNaN(ms)) return undefined;
  return ms / 1000 + (fraction ? Number(`0${fraction}`) : 0);
}

function normalizeZone(zone: string): string {
  if (zone === 'z' || zone === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

/**
 * Orders two engine timestamps. The engine writes them in one fixed form (UTC, 9 fraction digits),
 * which sorts as text; anything else is compared by value.
 */
export function compareLogTimes(a: string, b: string): number {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return a < b ? -1 : a > b ? 1 : 0;
  const sa = parseDateTime(a) ?? 0;
  const sb = parseDateTime(b) ?? 0;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
