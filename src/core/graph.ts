// The dependency graph of a project's services and one walk that serves both directions:
// `up` visits a service after its dependencies, `down` after its dependents.
import { DevstackError } from './errors.js';
import type { ServiceConfig } from './model.js';

export class DependencyGraph {
  private readonly deps = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();

  constructor(services: Record<string, Pick<ServiceConfig, 'dependsOn'>>) {
    for (const name of Object.keys(services)) {
      this.deps.set(name, new Set());
      this.dependents.set(name, new Set());
    }
    for (const [name, service] of Object.entries(services)) {
      for (const dep of Object.keys(service.dependsOn)) {
        // A dependency outside the graph (inactive profile, `required: false`) is not an edge.
        if (!this.deps.has(dep)) continue;
        this.deps.get(name)?.add(dep);
        this.dependents.get(dep)?.add(name);
      }
    }
  }

  get services(): string[] {
    return [...this.deps.keys()];
  }

  dependenciesOf(name: string): string[] {
    return [...(this.deps.get(name) ?? [])];
  }

  dependentsOf(name: string): string[] {
    return [...(this.dependents.get(name) ?? [])];
  }

  /** Everything reachable by following dependents (what cannot start if `name` fails). */
  transitiveDependentsOf(name: string): string[] {
    return this.reach(name, (n) => this.dependentsOf(n));
  }

  /** `names` plus everything they depend on, transitively. */
  withDependencies(names: string[]): string[] {
    const out = new Set<string>(names);
    for (const d of this.reachFrom(names, (x) => this.dependenciesOf(x))) out.add(d);
    return this.services.filter((s) => out.has(s));
  }

  /** A cycle as a path that returns to its start (`a -> b -> a`), or undefined. Iterative: any depth. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'visiting' | 'done'>();
    for (const root of [...this.deps.keys()].sort()) {
      if (state.has(root)) continue;
      // The current path, each step with the dependencies it has still to look at.
      const path: { name: string; next: string[] }[] = [];
      const enter = (name: string): void => {
        state.set(name, 'visiting');
        path.push({ name, next: [...(this.deps.get(name) ?? [])].sort().reverse() });
      };
      enter(root);
      while (path.length > 0) {
        const top = path[path.length - 1]!;
        const d = top.next.pop();
        if (d === undefined) {
          state.set(top.name, 'done');
          path.pop();
        } else if (state.get(d) === 'visiting') {
          const names = path.map((p) => p.name);
          return [...names.slice(names.indexOf(d)), d];
        } else if (!state.has(d)) {
          enter(d);
        }
      }
    }
    return undefined;
  }

  /** Groups that could start together: level 0 has no dependencies, level k depends only on levels < k. */
  levels(): string[][] {
    const remaining = new Set(this.deps.keys());
    const out: string[][] = [];
    while (remaining.size > 0) {
      const level = [...remaining].filter((n) => this.dependenciesOf(n).every((d) => !remaining.has(d))).sort();
      if (level.length === 0) throw new DevstackError('internal', 'levels() called on a graph with a cycle');
      level.forEach((n) => remaining.delete(n));
      out.push(level);
    }
    return out;
  }

  private reach(start: string, next: (n: string) => string[]): string[] {
    return this.reachFrom([start], next);
  }

  /** Everything one or more steps of `next` away from any of `starts` (one walk, however many starts). */
  private reachFrom(starts: string[], next: (n: string) => string[]): string[] {
    const seen = new Set<string>();
    const todo = starts.flatMap(next);
    while (todo.length > 0) {
      const n = todo.pop() as string;
      if (seen.has(n)) continue;
      seen.add(n);
      todo.push(...next(n));
    }
    return [...seen];
  }
}

export function assertAcyclic(graph: DependencyGraph, services: Record<string, Pick<ServiceConfig, 'source'>>): void {
  const cycle = graph.findCycle();
  if (!cycle) return;
  const first = cycle[0] as string;
  throw new DevstackError('compose', `cycle found: ${cycle.join(' -> ')}`, {
    ...(services[first] ? { location: services[first].source } : {}),
    hint: 'Remove one of these depends_on entries so the services can start in some order.',
  });
}

export type WalkDirection = 'up' | 'down';

export type WalkOutcome =
  | { service: string; status: 'done' }
  | { service: string; status: 'failed'; error: unknown }
  | { service: string; status: 'skipped'; because: string };

export interface WalkOptions {
  direction: WalkDirection;
  /** Only these services (the others are treated as already done). Default: all. */
  only?: string[];
  /** At most this many visits at once. */
  concurrency: number;
  signal: AbortSignal;
  visit: (service: string, signal: AbortSignal) => Promise<void>;
}

/**
 * Visits every service once its predecessors (dependencies going up, dependents going down) are done,
 * at most `concurrency` at a time. A failed visit skips everything after it; independent branches go on.
 * An aborted signal stops scheduling: what has not started is skipped.
 */
export async function walkGraph(graph: DependencyGraph, opts: WalkOptions): Promise<WalkOutcome[]> {
  const selected = new Set(opts.only ?? graph.services);
  const up = opts.direction === 'up';
  const before = (n: string) => (up ? graph.dependenciesOf(n) : graph.dependentsOf(n)).filter((p) => selected.has(p));
  const after = (n: string) => (up ? graph.dependentsOf(n) : graph.dependenciesOf(n)).filter((p) => selected.has(p));
  const outcomes = new Map<string, WalkOutcome>();
  const running = new Map<string, Promise<void>>();
  /** How many predecessors of each service have no outcome yet; at 0 it is ready. */
  const waiting = new Map<string, number>();
  const ready = new Set<string>();
  let readyInOrder: string[] = [];
  let readyChanged = false;
  const makeReady = (n: string) => {
    ready.add(n);
    readyChanged = true;
  };
  for (const n of selected) {
    const count = before(n).length;
    waiting.set(n, count);
    if (count === 0) makeReady(n);
  }

  /** Records an outcome and carries it forward: what follows a failure or a skip is skipped, at once. */
  const settle = (first: string, outcome: WalkOutcome) => {
    outcomes.set(first, outcome);
    ready.delete(first);
    const todo = [first];
    while (todo.length > 0) {
      const n = todo.pop() as string;
      const ok = outcomes.get(n)?.status === 'done';
      for (const next of after(n)) {
        if (outcomes.has(next) || running.has(next)) continue;
        if (ok) {
          const left = (waiting.get(next) ?? 1) - 1;
          waiting.set(next, left);
          if (left === 0) makeReady(next);
          continue;
        }
        const because = before(next).find((p) => {
          const o = outcomes.get(p);
          return o !== undefined && o.status !== 'done';
        });
        outcomes.set(next, { service: next, status: 'skipped', because: because ?? n });
        ready.delete(next);
        todo.push(next);
      }
    }
  };

  while (outcomes.size < selected.size) {
    if (opts.signal.aborted) {
      for (const n of [...ready]) settle(n, { service: n, status: 'skipped', because: 'interrupted' });
    } else {
      if (readyChanged) {
        readyInOrder = [...ready].sort();
        readyChanged = false;
      }
      for (const n of readyInOrder) {
        if (running.size >= opts.concurrency) break;
        if (!ready.has(n)) continue;
        ready.delete(n);
        const p = opts
          .visit(n, opts.signal)
          .then(
            () => settle(n, { service: n, status: 'done' }),
            (error: unknown) => settle(n, { service: n, status: 'failed', error }),
          )
          .finally(() => running.delete(n));
        running.set(n, p);
      }
    }
    if (running.size === 0) {
      // Nothing runs and nothing can start: whatever is left waits on something that will never finish.
      for (const n of selected) if (!outcomes.has(n)) outcomes.set(n, { service: n, status: 'skipped', because: 'interrupted' });
      break;
    }
    await Promise.race(running.values());
  }
  return [...selected].map((n) => outcomes.get(n) as WalkOutcome);
}
