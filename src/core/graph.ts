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
    const out = new Set<string>();
    for (const n of names) {
      out.add(n);
      for (const d of this.reach(n, (x) => this.dependenciesOf(x))) out.add(d);
    }
    return this.services.filter((s) => out.has(s));
  }

  /** A cycle as a path that returns to its start (`a -> b -> a`), or undefined. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (n: string): string[] | undefined => {
      state.set(n, 'visiting');
      stack.push(n);
      for (const d of [...(this.deps.get(n) ?? [])].sort()) {
        if (state.get(d) === 'visiting') return [...stack.slice(stack.indexOf(d)), d];
        if (!state.has(d)) {
          const found = visit(d);
          if (found) return found;
        }
      }
      stack.pop();
      state.set(n, 'done');
      return undefined;
    };
    for (const n of [...this.deps.keys()].sort()) {
      if (!state.has(n)) {
        const found = visit(n);
        if (found) return found;
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
    const seen = new Set<string>();
    const todo = [...next(start)];
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
  const before = (n: string) =>
    (opts.direction === 'up' ? graph.dependenciesOf(n) : graph.dependentsOf(n)).filter((p) => selected.has(p));
  const outcomes = new Map<string, WalkOutcome>();
  const running = new Map<string, Promise<void>>();

  const ready = (n: string) => !outcomes.has(n) && !running.has(n) && before(n).every((p) => outcomes.has(p));

  const settleSkips = () => {
    let changed = true;
    while (changed) {
      changed = false;
      for (const n of selected) {
        if (outcomes.has(n) || running.has(n)) continue;
        const blocked = before(n).find((p) => {
          const o = outcomes.get(p);
          return o !== undefined && o.status !== 'done';
        });
        if (blocked !== undefined) {
          outcomes.set(n, { service: n, status: 'skipped', because: blocked });
          changed = true;
        } else if (opts.signal.aborted && before(n).every((p) => outcomes.has(p))) {
          outcomes.set(n, { service: n, status: 'skipped', because: 'interrupted' });
          changed = true;
        }
      }
    }
  };

  while (outcomes.size < selected.size) {
    settleSkips();
    if (!opts.signal.aborted) {
      for (const n of [...selected].sort()) {
        if (running.size >= opts.concurrency) break;
        if (!ready(n)) continue;
        const p = opts
          .visit(n, opts.signal)
          .then(
            () => void outcomes.set(n, { service: n, status: 'done' }),
            (error: unknown) => void outcomes.set(n, { service: n, status: 'failed', error }),
          )
          .finally(() => running.delete(n));
        running.set(n, p);
      }
    }
    if (running.size === 0) {
      settleSkips();
      // Nothing runs and nothing can start: whatever is left waits on something that will never finish.
      for (const n of selected) if (!outcomes.has(n)) outcomes.set(n, { service: n, status: 'skipped', because: 'interrupted' });
      break;
    }
    await Promise.race(running.values());
  }
  return [...selected].map((n) => outcomes.get(n) as WalkOutcome);
}
