import { describe, expect, it } from 'vitest';
import { compareLogTimes, parseDateTime, parseLogTime } from '../../../src/app/logs-time.js';
import { DevstackError } from '../../../src/core/errors.js';

const NOW_MS = Date.UTC(2024, 4, 1, 12, 0, 0); // 2024-05-01T12:00:00Z
const NOW_S = NOW_MS / 1000;

describe('parseLogTime', () => {
  it.each([
    ['45s', NOW_S - 45],
    ['10m', NOW_S - 600],
    ['1h30m', NOW_S - 5400],
    ['1.5h', NOW_S - 5400],
    ['2h0m5s', NOW_S - 7205],
    ['250ms', NOW_S - 0.25],
    ['1h1m1s', NOW_S - 3661],
    ['1us', NOW_S - 1e-6],
    ['-5m', NOW_S + 300], // as `docker logs --since -5m`: a negative duration is after now
  ])('relative %s', (text, want) => {
    expect(parseLogTime(text, NOW_MS)).toBeCloseTo(want, 6);
  });

  it.each([
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10) / 1000],
    ['2024-05-01T10:00:00.5Z', Date.UTC(2024, 4, 1, 10) / 1000 + 0.5],
    ['2024-05-01T10:00:00.123456789Z', Date.UTC(2024, 4, 1, 10) / 1000 + 0.123456789],
    ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10) / 1000],
    ['2024-05-01T12:00:00+0200', Date.UTC(2024, 4, 1, 10) / 1000],
    ['2024-05-01t10:00:00z', Date.UTC(2024, 4, 1, 10) / 1000],
    ['1714557600', 1714557600],
    ['1714557600.25', 1714557600.25],
  ])('absolute %s', (text, want) => {
    expect(parseLogTime(text, NOW_MS)).toBeCloseTo(want, 6);
  });

  it('reads a time without an offset, and a bare date, as local time', () => {
    expect(parseLogTime('2024-05-01T10:00:00', NOW_MS)).toBe(new Date(2024, 4, 1, 10, 0, 0).getTime() / 1000);
    expect(parseLogTime('2024-05-01', NOW_MS)).toBe(new Date(2024, 4, 1).getTime() / 1000);
  });

  it.each(['yesterday', '10 minutes', '2024-13-45T99:00:00Z', '', '5d', '--5m'])('refuses %j with a usage error and a hint', (text) => {
    let caught: unknown;
    try {
      parseLogTime(text, NOW_MS, '--until');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DevstackError);
    expect((caught as DevstackError).kind).toBe('usage');
    expect((caught as DevstackError).message).toContain('--until');
    expect((caught as DevstackError).hint).toMatch(/10m/);
  });
});

describe('helpers', () => {
  it('parseDateTime returns undefined for text that is no date', () => {
    expect(parseDateTime('abc')).toBeUndefined();
  });
  it('compareLogTimes orders the engine form as text and others by value', () => {
    expect(compareLogTimes('2024-05-01T10:00:00.000000001Z', '2024-05-01T10:00:00.000000002Z')).toBe(-1);
    expect(compareLogTimes('2024-05-01T10:00:00.000000002Z', '2024-05-01T10:00:00.000000002Z')).toBe(0);
    expect(compareLogTimes('2024-05-01T12:00:00+02:00', '2024-05-01T10:00:01Z')).toBe(-1);
  });
});
