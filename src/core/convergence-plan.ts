// Reconcile: what runs now (observed) + what the project wants (desired) -> a plan of actions.
// Pure; the executor in src/app walks it. `formatPlan` is tested as golden text.
import type { ContainerInfo } from './engine.js';
import { LABEL } from './labels.js';

/** What to do about one container of a service: replica `replica` (1..scale, its container-number label). */
export type ServiceAction = { service: string; replica: number } & (
  | { kind: 'create' }
  | { kind: 'recreate'; container: ContainerInfo; reason: 'config changed' | 'image changed' | 'forced' | 'dependency recreated' }
  | { kind: 'start'; container: ContainerInfo }
  | { kind: 'keep'; container: ContainerInfo }
);

export type OrphanAction = { kind: 'remove-orphan' | 'warn-orphan'; container: ContainerInfo };

export interface ConvergencePlan {
  services: ServiceAction[];
  orphans: OrphanAction[];
  /** Extra containers of a service (numbers above its scale, duplicates of a number) to remove. */
  extras: ContainerInfo[];
}

export interface DesiredService {
  name: string;
  /** The config hash of each replica's container, replica 1 first; as many as the service's scale (0: none). */
  hashes: string[];
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
    const byNumber = new Map<number, ContainerInfo[]>();
    for (const c of (byService.get(d.name) ?? []).sort(byNumberThenNewest)) {
      const n = containerNumber(c);
      byNumber.set(n, [...(byNumber.get(n) ?? []), c]);
    }
    // Above the scale (compose removes the highest numbers when it goes down), or a duplicate of a number.
    for (const [n, [first, ...rest]] of byNumber) {
      extras.push(...(n >= 1 && n <= d.hashes.length ? rest : [first as ContainerInfo, ...rest]));
    }
    d.hashes.forEach((hash, i) => {
      const replica = i + 1;
      const current = byNumber.get(replica)?.[0];
      if (!current) {
        services.push({ service: d.name, replica, kind: 'create' });
        recreated.add(d.name);
        return;
      }
      const reason = input.forceRecreate
        ? 'forced'
        : current.labels[LABEL.configHash] !== hash
          ? 'config changed'
          : d.restartWith.some((dep) => recreated.has(dep))
              ? 'dependency recreated'
              : undefined;
      if (reason) {
        services.push({ service: d.name, replica, kind: 'recreate', container: current, reason });
        recreated.add(d.name);
      } else if (current.status === 'running') {
        services.push({ service: d.name, replica, kind: 'keep', container: current });
      } else {
        services.push({ service: d.name, replica, kind: 'start', container: current });
      }
    });
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
  return { service: action.service, replica: action.replica, kind: 'recreate', container: action.container, reason: 'image changed' };
}

/** A container's `com.docker.compose.container-number` (1 when missing); 0 when it is not a number. */
export function containerNumber(c: Pick<ContainerInfo, 'labels'>): number {
  const n = Number(c.labels[LABEL.containerNumber] ?? '1');
  return Number.isInteger(n) ? n : 0;
}

function byNumberThenNewest(a: ContainerInfo, b: ContainerInfo): number {
  return containerNumber(a) - containerNumber(b) || b.createdAt - a.createdAt;
}

export function formatPlan(plan: ConvergencePlan): string {
  // A service with one container is named alone; one with several names the replica (`web-2`), as compose does.
  const scaled = new Set(plan.services.filter((a) => a.replica > 1).map((a) => a.service));
  const lines = plan.services.map((a) => {
    const who = scaled.has(a.service) ? `${a.service}-${a.replica}` : a.service;
    switch (a.kind) {
      case 'create':
        return `${who}: create`;
      case 'recreate':
        return `${who}: recreate ${a.container.name} (${a.reason})`;
      case 'start':
        return `${who}: start ${a.container.name} (${a.container.status})`;
      case 'keep':
        return `${who}: keep ${a.container.name} (running, unchanged)`;
    }
  });
  for (const e of plan.extras) lines.push(`${e.labels[LABEL.service] ?? '?'}: remove extra ${e.name}`);
  for (const o of plan.orphans) {
    const verb = o.kind === 'remove-orphan' ? 'remove orphan' : 'orphan (kept; --remove-orphans removes it)';
    lines.push(`${o.container.labels[LABEL.service] ?? '?'}: ${verb} ${o.container.name}`);
  }
  return lines.join('\n');
}
