import { describe, expect, it } from 'vitest';
import { StartOrder } from '../../../src/app/start-order.js';
import type { StartPriority } from '../../../src/core/start-priority.js';

const priorities: Record<string, StartPriority> = { db: 2, cache: 1, web: 0, docs: 0 };
const order = () => new StartOrder((n) => priorities[n] ?? 0);
/** Lets every pending promise reaction run (a waiter woken by finish() resolves through microtasks only). */
const tick = () => new Promise((r) => setImmediate(r));
/** Whether `p` has resolved once everything pending has run. */
async function resolvedNow(p: Promise<unknown>): Promise<boolean> {
  let resolved = false;
  void p.then(() => (resolved = true));
  await tick();
  return resolved;
}

describe('StartOrder', () => {
  it('holds a lower-priority start until every due higher-priority one has finished', async () => {
    const o = order();
    const log: string[] = [];
    o.markDue('db');
    o.markDue('cache');
    const web = o.turn('web', new AbortController().signal).then(() => log.push('web'));
    const docs = o.turn('docs', new AbortController().signal).then(() => log.push('docs'));
    const cache = o.turn('cache', new AbortController().signal).then(() => log.push('cache'));
    await o.turn('db', new AbortController().signal);
    log.push('db');
    await tick();
    expect(log).toEqual(['db']);
    o.finish('db');
    await cache;
    await tick();
    expect(log).toEqual(['db', 'cache']);
    o.finish('cache');
    await Promise.all([web, docs]);
    expect(log.slice(2).sort()).toEqual(['docs', 'web']);
  });

  it('a service that is not due yet (building, waiting on a dependency) holds nobody up', async () => {
    const o = order();
    expect(await resolvedNow(o.turn('web', new AbortController().signal))).toBe(true);
    // Once db's visit ended (finish), a late markDue does not make it due again.
    o.finish('db');
    o.markDue('db');
    expect(await resolvedNow(o.turn('docs', new AbortController().signal))).toBe(true);
    // The contrast: a due cache (priority 1) does hold web (0) up until it finishes.
    o.markDue('cache');
    const held = o.turn('web', new AbortController().signal);
    expect(await resolvedNow(held)).toBe(false);
    o.finish('cache');
    expect(await resolvedNow(held)).toBe(true);
  });

  it('an abort ends the wait at once', async () => {
    const o = order();
    o.markDue('db');
    const ctl = new AbortController();
    const web = o.turn('web', ctl.signal);
    ctl.abort();
    await expect(web).resolves.toBeUndefined();
  });
});
