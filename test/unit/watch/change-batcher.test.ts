import { describe, expect, it } from 'vitest';
import { ChangeBatcher, DEFAULT_SMALL_BATCH, type BatchClock, type ChangeBatch, type SmallBatchRule } from '../../../src/engine/watch/change-batcher.js';

class FakeClock implements BatchClock {
  time = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.time;
  }
  schedule(fn: () => void, ms: number): () => void {
    const t = { at: this.time + ms, fn, live: true };
    this.timers.push(t);
    return () => (t.live = false);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = next.at;
      next.live = false;
      next.fn();
    }
    this.time = end;
  }
}

function setup(quietMs = 60, maxWaitMs = 1000, small: SmallBatchRule | false = false) {
  const clock = new FakeClock();
  const batches: ChangeBatch[] = [];
  const batcher = new ChangeBatcher({ quietMs, maxWaitMs, small, clock, onBatch: (b) => batches.push(b) });
  return { clock, batches, batcher };
}

describe('ChangeBatcher', () => {
  it('hands a burst of 500 files over as one batch after the quiet period', () => {
    const { clock, batches, batcher } = setup();
    for (let i = 0; i < 500; i++) {
      batcher.add(`/src/f${i}`, 'upsert');
      clock.advance(1);
    }
    expect(batches).toHaveLength(0);
    clock.advance(59);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.size).toBe(500);
  });

  it('keeps the final state: create then delete = delete; delete then create = upsert; duplicates once', () => {
    const { clock, batches, batcher } = setup();
    batcher.add('/a', 'upsert');
    batcher.add('/a', 'upsert');
    batcher.add('/a', 'delete');
    batcher.add('/b', 'delete');
    batcher.add('/b', 'upsert');
    clock.advance(100);
    expect([...batches[0]!]).toEqual([['/a', 'delete'], ['/b', 'upsert']]);
  });

  it('flushes at the max wait even while events keep coming', () => {
    const { clock, batches, batcher } = setup(60, 1000);
    for (let t = 0; t < 2500; t += 20) {
      batcher.add(`/f${t}`, 'upsert');
      clock.advance(20);
    }
    expect(batches.length).toBe(2);
    expect(batches[0]!.size).toBe(50); // 0..980 ms
    clock.advance(60);
    expect(batches.length).toBe(3);
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(125);
  });

  it('waits the quiet period from the last event, and flush/dispose work', () => {
    const { clock, batches, batcher } = setup();
    batcher.add('/a', 'upsert');
    clock.advance(50);
    batcher.add('/b', 'upsert');
    clock.advance(50);
    expect(batches).toHaveLength(0);
    clock.advance(10);
    expect(batches).toHaveLength(1);
    batcher.add('/c', 'upsert');
    batcher.flush();
    expect(batches).toHaveLength(2);
    batcher.add('/d', 'upsert');
    batcher.dispose();
    clock.advance(1000);
    expect(batches).toHaveLength(2);
  });

  it('hands a small batch (one edit, or a temp file renamed over) over after the short quiet period', () => {
    const { clock, batches, batcher } = setup(60, 1000, DEFAULT_SMALL_BATCH);
    batcher.add('/src/a.ts', 'upsert');
    clock.advance(14);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect([...batches[0]!]).toEqual([['/src/a.ts', 'upsert']]);
    batcher.add('/src/.a.ts.swp', 'upsert');
    batcher.add('/src/.a.ts.swp', 'delete');
    batcher.add('/src/a.ts', 'upsert');
    clock.advance(15);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.size).toBe(2);
  });

  it('waits the full quiet period once a batch grows past the small size', () => {
    const { clock, batches, batcher } = setup(60, 1000, DEFAULT_SMALL_BATCH);
    batcher.add('/a', 'upsert');
    clock.advance(5);
    batcher.add('/b', 'upsert');
    clock.advance(5);
    batcher.add('/c', 'upsert');
    clock.advance(59);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches[0]!.size).toBe(3);
  });

  it('uses the small-batch rule unless told not to', () => {
    const clock = new FakeClock();
    const batches: ChangeBatch[] = [];
    const batcher = new ChangeBatcher({ quietMs: 60, maxWaitMs: 1000, clock, onBatch: (b) => batches.push(b) });
    batcher.add('/a', 'upsert');
    clock.advance(DEFAULT_SMALL_BATCH.quietMs);
    expect(batches).toHaveLength(1);
  });
});
