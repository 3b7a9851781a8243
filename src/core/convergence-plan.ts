// Reconcile: what runs now (observed) + what the project wants (desired) -> a plan of actions.
// Pure; the executor in src/app walks it. `formatPlan` is tested as golden text.
import type { ContainerInfo } from './engine.js';
import { LABEL } from './labels.js';

export type ServiceAction =
  | { service: string; kind: 'create' }
  | { service: string; kind: 'recreate'; container: ContainerInfo; reason: 'config changed' | 'image changed' | 'forced' | 'dependency recreated' }
  | { service: string; kind: 'start'; container: ContainerInfo }
  | { service: string; kind: 'keep'; container: ContainerInfo };

export type OrphanAction = { kind: 'remove-orphan' | 'warn-orphan'; container: ContainerInfo };

export interface ConvergencePlan {
  services: ServiceAction[];
  orphans: OrphanAction[];
  /** Extra containers of a service (scale leftovers, duplicates) to remove. */
  extras: ContainerInfo[];
}

export interface DesiredService {
  name: string;
  hash: string;
  /** Dependencies declared with `restart: true`. */
  restartWith: string[];
}

export interface PlanInput {
  desired: DesiredService[];
  observed: ContainerInfo[];
  /** Every service the project defines (active or not): containers of others are orphans. */
  definedServices: string[];
  forceRecreate: boolean;
  removeOrphans: boolean;
}

export function planConvergence(input: PlanInput): ConvergencePlan {
  const byService = new Map<string, ContainerInfo[]>();
  for (const c of input.observed) {
    if (c.labels[LABEL.oneoff] === 'True') continue;
    const s = c.labels[LABEL.service] ?? '';
    byService.set(s, [...(byService.get(s) ?? []), c]);
  }
  const defined = new Set(input.definedServices);
  const recreated = new Set<string>();
  const services: ServiceAction[] = [];
  const extras: ContainerInfo[] = [];

  // `desired` comes in dependency order, so a dependency's decision is known before its dependents'.
  for (const d of input.desired) {
    const containers = (byService.get(d.name) ?? []).sort(byNumberThenNewest);
    const [current, ...rest] = containers;
    extras.push(...rest);
    if (!current) {
      services.push({ service: d.name, kind: 'create' });
      recreated.add(d.name);
      continue;
    }
    const reason = input.forceRecreate
      ? 'forced'
      : current.labels[LABEL.configHash] !== d.hash
        ? 'config changed'
        : d.restartWith.some((dep) => recreated.has(dep))
            ? 'dependency recreated'
            : undefined;
    if (reason) {
      services.push({ service: d.name, kind: 'recreate', container: current, reason });
      recreated.add(d.name);
    } else if (current.status === 'running') {
      services.push({ service: d.name, kind: 'keep', container: current });
    } else {
      services.push({ service: d.name, kind: 'start', container: current });
    }
  }

  const orphans: OrphanAction[] = input.observed
    .filter((c) => c.labels[LABEL.oneoff] !== 'True' && !defined.has(c.labels[LABEL.service] ?? ''))
    .map((container) => ({ kind: input.removeOrphans ? 'remove-orphan' : 'warn-orphan', container }));

  return { services, orphans, extras };
}

/**
 * A container kept by the plan still runs an older image than the service's current one (rebuilt or pulled
 * since): recreate it. Decided per service once its image is ready, so builds overlap with starting others.
 */
export function recreateIfImageChanged(action: ServiceAction, currentImageId: string | undefined): ServiceAction {
  if (action.kind !== 'keep' && action.kind !== 'start') return action;
  const running = action.container.imageId;
  if (!currentImageId || !running || currentImageId === running) return action;
  return { service: action.service, kind: 'recreate', container: action.container, reason: 'image changed' };
}

function byNumberThenNewest(a: ContainerInfo, b: ContainerInfo): number {
  const na = Number(a.labels[LABEL.containerNumber] ?? '1');
  const nb = Number(b.labels[LABEL.containerNumber] ?? '1');
  return na - nb || b.createdAt - a.createdAt;
}

export function formatPlan(plan: ConvergencePlan): string {
  const lines = plan.services.map((a) => {
    switch (a.kind) {
      case 'create':
        return `${a.service}: create`;
      case 'recreate':
        return `${a.service}: recreate ${a.container.name} (${a.reason})`;
      case 'start':
        return `${a.service}: start ${a.container.name} (${a.container.status})`;
      case 'keep':
        return `${a.service}: keep ${a.container.name} (running, unchanged)`;
    }
  });
  for (const e of plan.extras) lines.push(`${e.labels[LABEL.service] ?? '?'}: remove extra ${e.name}`);
  for (const o of plan.orphans) {
    const verb = o.kind === 'remove-orphan' ? 'remove orphan' : 'orphan (kept; --remove-orphans removes it)';
    lines.push(`${o.container.labels[LABEL.service] ?? '?'}: ${verb} ${o.container.name}`);
  }
  return lines.join('\n');
}
