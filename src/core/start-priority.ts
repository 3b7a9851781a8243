// Which container starts go first when several are due at once. On a contended engine (dockerd serialises much
// of a start; two parallel starts take ~1.2 s each where one alone takes ~0.7 s), the start that gates other
// services' readiness should not queue behind one that gates nothing.
import type { DependencyGraph } from './graph.js';
import type { ServiceConfig } from './model.js';

/** Higher starts first. */
export type StartPriority = 0 | 1 | 2;

/**
 * 2: a selected dependent waits for it to be healthy or to complete (the slow path of most stacks);
 * 1: a selected dependent waits for it to start;
 * 0: nothing waits for it.
 */
export function startPriorities(
  graph: DependencyGraph,
  services: Record<string, Pick<ServiceConfig, 'dependsOn'>>,
  selected: readonly string[],
): Map<string, StartPriority> {
  const inRun = new Set(selected);
  const out = new Map<string, StartPriority>();
  for (const name of selected) {
    let priority: StartPriority = 0;
    for (const dependent of graph.dependentsOf(name)) {
      if (!inRun.has(dependent)) continue;
      const condition = services[dependent]?.dependsOn[name]?.condition;
      priority = condition === 'service_started' ? (priority > 1 ? priority : 1) : 2;
      if (priority === 2) break;
    }
    out.set(name, priority);
  }
  return out;
}
