// Deep graphs: a long depends_on chain is walked without recursion (no stack overflow, whatever its length).
import { describe, expect, it } from 'vitest';
import { assertAcyclic, DependencyGraph, walkGraph } from '../../../src/core/graph.js';
import { dependsOn, service } from './fixtures.js';

/** s0 <- s1 <- … <- s(n-1): each service depends on the one before it; `closing` adds s0 -> s(n-1). */
function chain(n: number, closing = false) {
  const services = Array.from({ length: n }, (_, i) =>
    service(`s${i}`, { dependsOn: i > 0 ? dependsOn(`s${i - 1}`) : closing ? dependsOn(`s${n - 1}`) : {} }),
  );
  return Object.fromEntries(services.map((s) => [s.name, s]));
}

describe('a 20,000-service depends_on chain', () => {
  const n = 20_000;

  it('has no cycle, and its cycle is found when the chain closes', () => {
    expect(new DependencyGraph(chain(n)).findCycle()).toBeUndefined();
    const cycle = new DependencyGraph(chain(n, true)).findCycle();
    expect(cycle).toHaveLength(n + 1);
    expect(cycle![0]).toBe(cycle![n]);
    expect(() => assertAcyclic(new DependencyGraph(chain(3, true)), chain(3, true))).toThrow('cycle found: s0 -> s2 -> s1 -> s0');
  }, 60_000);

  it('is reachable end to end and walks in order', async () => {
    const graph = new DependencyGraph(chain(n));
    expect(graph.transitiveDependentsOf('s0')).toHaveLength(n - 1);
    expect(graph.withDependencies([`s${n - 1}`])).toHaveLength(n);
    expect(graph.withDependencies(Object.keys(chain(n)))).toHaveLength(n);
    const visited: string[] = [];
    const outcomes = await walkGraph(graph, {
      direction: 'up',
      concurrency: 4,
      signal: new AbortController().signal,
      visit: async (s) => void visited.push(s),
    });
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(visited).toEqual(Array.from({ length: n }, (_, i) => `s${i}`));
  }, 60_000);
});
