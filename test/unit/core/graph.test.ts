import { describe, expect, it } from 'vitest';
import { DevstackError } from '../../../src/core/errors.js';
import { assertAcyclic, DependencyGraph, walkGraph } from '../../../src/core/graph.js';
import { dependsOn, service } from './fixtures.js';

const seed = () => {
  const services = [
    service('postgres'),
    service('redis'),
    service('backend', { dependsOn: dependsOn('postgres', 'redis') }),
    service('frontend'),
    service('worker', { dependsOn: dependsOn('backend') }),
  ];
  return Object.fromEntries(services.map((s) => [s.name, s]));
};

describe('DependencyGraph', () => {
  it('orders services in parallel levels', () => {
    expect(new DependencyGraph(seed()).levels()).toEqual([['frontend', 'postgres', 'redis'], ['backend'], ['worker']]);
  });

  it('finds dependents and dependencies transitively', () => {
    const g = new DependencyGraph(seed());
    expect(g.transitiveDependentsOf('postgres').sort()).toEqual(['backend', 'worker']);
    expect(g.withDependencies(['worker']).sort()).toEqual(['backend', 'postgres', 'redis', 'worker']);
  });

  it('ignores dependencies outside the graph (inactive or optional services)', () => {
    const g = new DependencyGraph({ a: { dependsOn: dependsOn('ghost') } });
    expect(g.dependenciesOf('a')).toEqual([]);
  });

  it('reports a cycle as a path with the service location', () => {
    const services = { a: service('a', { dependsOn: dependsOn('b') }), b: service('b', { dependsOn: dependsOn('a') }), c: service('c') };
    const g = new DependencyGraph(services);
    expect(g.findCycle()).toEqual(['a', 'b', 'a']);
    try {
      assertAcyclic(g, services);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DevstackError);
      expect((e as DevstackError).message).toBe('cycle found: a -> b -> a');
      expect((e as DevstackError).location).toEqual({ file: '/p/compose.yaml', line: 2, col: 3 });
    }
  });

  it('finds a self-dependency and a longer cycle', () => {
    expect(new DependencyGraph({ a: { dependsOn: dependsOn('a') } }).findCycle()).toEqual(['a', 'a']);
    const g = new DependencyGraph({ a: { dependsOn: dependsOn('b') }, b: { dependsOn: dependsOn('c') }, c: { dependsOn: dependsOn('a') } });
    expect(g.findCycle()).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('walkGraph', () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));

  it('visits up in dependency order and down in reverse, with bounded parallelism', async () => {
    const g = new DependencyGraph(seed());
    for (const direction of ['up', 'down'] as const) {
      const finished: string[] = [];
      let active = 0;
      let maxActive = 0;
      const outcomes = await walkGraph(g, {
        direction,
        concurrency: 2,
        signal: new AbortController().signal,
        visit: async (n) => {
          const before = direction === 'up' ? g.dependenciesOf(n) : g.dependentsOf(n);
          for (const b of before) expect(finished).toContain(b);
          active += 1;
          maxActive = Math.max(maxActive, active);
          await tick();
          active -= 1;
          finished.push(n);
        },
      });
      expect(outcomes.every((o) => o.status === 'done')).toBe(true);
      expect(finished).toHaveLength(5);
      expect(maxActive).toBe(2);
    }
  });

  it('skips the dependents of a failed service and finishes independent branches', async () => {
    const outcomes = await walkGraph(new DependencyGraph(seed()), {
      direction: 'up',
      concurrency: 4,
      signal: new AbortController().signal,
      visit: async (n) => {
        await tick();
        if (n === 'postgres') throw new Error('boom');
      },
    });
    const by = Object.fromEntries(outcomes.map((o) => [o.service, o]));
    expect(by.postgres?.status).toBe('failed');
    expect(by.backend).toEqual({ service: 'backend', status: 'skipped', because: 'postgres' });
    expect(by.worker).toEqual({ service: 'worker', status: 'skipped', because: 'backend' });
    expect(by.frontend?.status).toBe('done');
    expect(by.redis?.status).toBe('done');
  });

  it('stops scheduling when aborted', async () => {
    const ctl = new AbortController();
    const visited: string[] = [];
    const outcomes = await walkGraph(new DependencyGraph(seed()), {
      direction: 'up',
      concurrency: 1,
      signal: ctl.signal,
      visit: async (n) => {
        visited.push(n);
        ctl.abort();
        await tick();
      },
    });
    expect(visited).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(4);
  });

  it('walks only the selected services', async () => {
    const visited: string[] = [];
    await walkGraph(new DependencyGraph(seed()), {
      direction: 'up',
      only: ['postgres', 'backend'],
      concurrency: 4,
      signal: new AbortController().signal,
      visit: async (n) => void visited.push(n),
    });
    expect(visited).toEqual(['postgres', 'backend']);
  });
});
