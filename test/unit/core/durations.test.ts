// The agreed answers: Go's time.ParseDuration syntax everywhere; a compose field refuses a negative duration,
// `logs --since/--until` reads it as that long after now (as `docker logs` does).
import { describe, expect, it } from 'vitest';
import { parseLogTime } from '../../../src/app/logs-time.js';
import { composeDurationMs, GO_DURATION, parseGoDurationMs } from '../../../src/core/durations.js';

describe('parseGoDurationMs (Go time.ParseDuration)', () => {
  it.each([
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['.5h', 1_800_000],
    ['5.s', 5000],
    ['2h3m4s5ms', 7_384_005],
    ['1s1s', 2000],
    ['0', 0],
    ['-0', 0],
    ['+10s', 10_000],
    ['-5s', -5000],
    ['-1h30m', -5_400_000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['250μs', 0.25],
    ['1500000ns', 1.5],
  ])('%s → %d ms', (text, ms) => {
    expect(parseGoDurationMs(text)).toBeCloseTo(ms, 9);
    expect(GO_DURATION.test(text)).toBe(true);
  });

  it.each(['', '30', '10x', 's10', '1m 30s', ' 10s', '1d', '5m-3s', '--5s', '.s', '1.2.3s', 'ms'])('refuses %j', (text) => {
    expect(parseGoDurationMs(text)).toBeUndefined();
    expect(GO_DURATION.test(text)).toBe(false);
  });
});

describe('-5s, answered once', () => {
  const NOW_MS = Date.UTC(2024, 4, 1, 12, 0, 0);

  it('is Go syntax (the schema lets it through), a compose field refuses it, logs read it as 5 s after now', () => {
    expect(GO_DURATION.test('-5s')).toBe(true);
    expect(composeDurationMs('-5s')).toBeUndefined();
    expect(parseLogTime('-5s', NOW_MS)).toBe(NOW_MS / 1000 + 5);
  });

  it('compose durations are whole milliseconds; a bare number other than 0 has no unit and is refused', () => {
    expect(composeDurationMs('1.5s')).toBe(1500);
    expect(composeDurationMs('1500us')).toBe(2);
    expect(composeDurationMs('0')).toBe(0);
    expect(composeDurationMs('30')).toBeUndefined();
  });

  it('logs: "0" is unix time 0 (not a duration), a bare number is unix seconds', () => {
    expect(parseLogTime('0', NOW_MS)).toBe(0);
    expect(parseLogTime('1714557600', NOW_MS)).toBe(1714557600);
  });
});
