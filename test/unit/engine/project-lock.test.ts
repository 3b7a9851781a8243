// The project lock on this machine's kernel (a listening Unix socket): one holder at a time, the waiter is told
// who holds it, a bounded wait ends in a timeout error, and a release lets the next one in.
import { describe, expect, it } from 'vitest';
import { DevstackError } from '../../../src/core/errors.js';
import type { LockHolder } from '../../../src/core/project-lock.js';
import { describeHolder } from '../../../src/core/project-lock.js';
import { lockAddress, lockProject, parseHolder } from '../../../src/engine/lock/project-lock.js';

const project = `unitlock${Math.random().toString(36).slice(2, 8)}`;
const signal = new AbortController().signal;

describe('project lock', () => {
  it('lets one holder in; a second waits its limit, told who holds it, then fails with a timeout; after release it gets in', async () => {
    const first = await lockProject({ project, command: 'devstack up', waitLimitMs: 1000, signal, onBusy: () => {} });
    const seen: (LockHolder | undefined)[] = [];
    const second = lockProject({ project, command: 'devstack down', waitLimitMs: 1500, signal, onBusy: (h) => seen.push(h) });
    const err = await second.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DevstackError);
    expect((err as DevstackError).kind).toBe('timeout');
    expect((err as DevstackError).message).toContain(`project ${project} is still busy`);
    // Told once per holder (an answer lost to a slow machine counts as an unknown holder, told too).
    expect(seen.filter((h) => h !== undefined)).toEqual([expect.objectContaining({ pid: process.pid, command: 'devstack up' })]);
    await first.release();
    const third = await lockProject({ project, command: 'devstack down', waitLimitMs: 400, signal, onBusy: () => {} });
    await third.release();
  });

  it('stops waiting when interrupted', async () => {
    const held = await lockProject({ project, command: 'devstack up', waitLimitMs: 1000, signal, onBusy: () => {} });
    const ctl = new AbortController();
    const waiting = lockProject({ project, command: 'devstack up', waitLimitMs: 60_000, signal: ctl.signal, onBusy: () => ctl.abort() });
    await expect(waiting).rejects.toMatchObject({ kind: 'interrupted' });
    await held.release();
  });

  it('names: abstract on Linux, a file elsewhere; long or odd project names are hashed', () => {
    expect(lockAddress('demo', 'linux')).toBe('\0devstack/project-lock/demo');
    expect(lockAddress('demo', 'darwin')).toMatch(/devstack-lock-demo\.sock$/);
    expect(lockAddress('x'.repeat(100), 'linux')).toMatch(/^\0devstack\/project-lock\/[0-9a-f]{32}$/);
  });

  it('reads a holder\'s answer and describes it', () => {
    expect(parseHolder('{"pid":7,"command":"devstack up","since":"2026-01-01T10:00:00.000Z"}\n')).toEqual({ pid: 7, command: 'devstack up', since: '2026-01-01T10:00:00.000Z' });
    expect(parseHolder('garbage')).toBeUndefined();
    expect(describeHolder('demo', { pid: 7, command: 'devstack up', since: '2026-01-01T10:00:00.000Z' }, Date.parse('2026-01-01T10:00:12Z'), 300_000)).toBe(
      'project demo is busy: `devstack up` (pid 7) holds it since 10:00:00 UTC (12 s); waiting up to 300 s for it to finish',
    );
  });
});
