// The deciding half of `up`: what each selected service's container should be (spec + config hash, with
// remapped ports and rewritten localhost URLs), what to do about what runs now, and clearing out orphans.
import { containerSpecFor, isParked, replicaCount, type ContainerSpec } from '../core/container-spec.js';
import { containerNumber, planConvergence, type ServiceAction } from '../core/convergence-plan.js';
import type { ContainerInfo, ContainerPort, PortBinding } from '../core/engine.js';
import type { EventSink } from '../core/events.js';
import type { DependencyGraph } from '../core/graph.js';
import type { HostPortPlan, PlannedBinding } from '../core/host-port-plan.js';
import { LABEL } from '../core/labels.js';
import { rewriteLocalhostPorts } from '../core/localhost-rewrite.js';
import type { Project, ServiceConfig } from '../core/model.js';
import { isSecretName, maskText } from '../core/secret-masking.js';

const EXTRA_STOP_TIMEOUT_S = 10;

export interface UpPlanInput {
  engine: ContainerPort;
  project: Project;
  graph: DependencyGraph;
  selected: string[];
  portPlan: HostPortPlan;
  forceRecreate: boolean;
  removeOrphans: boolean;
  /** Services recreated whatever their state (watch's rebuild rule). */
  rebuild: ReadonlySet<string>;
  onEvent: EventSink;
}

export interface UpPlan {
  /** Each selected service's containers, replica 1 first (none for `scale: 0`). */
  specs: Map<string, ContainerSpec[]>;
  /** What to do about each of them, in the same order. */
  actions: Map<string, ServiceAction[]>;
}

export async function planUp(input: UpPlanInput): Promise<UpPlan> {
  const { engine, project, portPlan, onEvent } = input;
  const specs = new Map<string, ContainerSpec[]>();
  // A browser URL on the host points at replica 1's port (as `env` and connection strings do).
  const firstReplicaRemaps = portPlan.remaps.filter((r) => (r.replica ?? 1) === 1);
  for (const name of input.selected) {
    const service = project.services[name] as ServiceConfig;
    const { env, rewrites } = rewriteLocalhostPorts(service.environment, firstReplicaRemaps);
    for (const r of rewrites) {
      const message = isSecretName(r.key)
        ? `${name}: ${r.key} now points at the moved port (its value is secret; \`devstack config --show-secrets\` shows it)`
        : `${name}: ${r.key}=${maskText(r.to)} (was ${maskText(r.from)})`;
      onEvent({ type: 'notice', level: 'info', service: name, message });
    }
    const replicas = Array.from({ length: replicaCount(service) }, (_, i) => i + 1);
    specs.set(
      name,
      replicas.map((replica) => {
        const ports = replicaBindings(portPlan.bindings, name, replica).map(toPortBinding);
        return containerSpecFor({ project, service, ports, environment: env, replica });
      }),
    );
  }

  const plan = planConvergence({
    desired: input.graph.withDependencies(input.selected).filter((n) => specs.has(n)).map((n) => ({
      name: n,
      hashes: (specs.get(n) as ContainerSpec[]).map((spec) => spec.hash),
      restartWith: Object.entries((project.services[n] as ServiceConfig).dependsOn)
        .filter(([, d]) => d.restart)
        .map(([d]) => d),
    })),
    observed: await engine.listProjectContainers(project.name),
    definedServices: [...Object.keys(project.services), ...project.inactiveServices],
    forceRecreate: input.forceRecreate,
    removeOrphans: input.removeOrphans,
  });
  for (const o of plan.orphans) {
    if (o.kind === 'remove-orphan') {
      onEvent({ type: 'resource', kind: 'container', name: o.container.name, action: 'remove' });
      await engine.removeContainer(o.container.id, { force: true, removeVolumes: false });
    } else {
      onEvent({ type: 'notice', level: 'warn', message: `orphan container ${o.container.name}: its service is no longer in the compose file (--remove-orphans removes it)` });
    }
  }
  // Like compose when the scale goes down: stopped and removed together (their volumes kept), but said out loud.
  await Promise.all(
    plan.extras.map(async (extra) => {
      const scale = specs.get(extra.labels[LABEL.service] ?? '')?.length;
      onEvent({ type: 'notice', level: 'warn', service: extra.labels[LABEL.service], message: extraRemovalNotice(extra, scale) });
      await engine.stopContainer(extra.id, EXTRA_STOP_TIMEOUT_S);
      await engine.removeContainer(extra.id, { force: true, removeVolumes: false });
      onEvent({ type: 'resource', kind: 'container', name: extra.name, action: 'remove' });
    }),
  );
  const actions = new Map<string, ServiceAction[]>([...specs.keys()].map((n) => [n, []]));
  for (const a of plan.services) actions.get(a.service)?.push(forceRecreateOf(a, input.rebuild));
  return { specs, actions };
}

/** The host ports planned for every container but this one (replica `replica` of `service`). */
export function otherHostPorts(bindings: PlannedBinding[], service: string, replica: number): Set<number> {
  return new Set(bindings.filter((b) => b.hostPort > 0 && !(b.service === service && (b.replica ?? 1) === replica)).map((b) => b.hostPort));
}

/** The planned bindings of one container of a service (replica 1 of a service that runs one: all of its). */
export function replicaBindings(bindings: PlannedBinding[], service: string, replica: number): PlannedBinding[] {
  return bindings.filter((b) => b.service === service && (b.replica ?? 1) === replica);
}

/**
 * Why an extra container of a service goes: a replica above the service's scale (`scale` given), a duplicate of a
 * number, or a recreate's leftover.
 */
export function extraRemovalNotice(extra: ContainerInfo, scale?: number): string {
  const service = extra.labels[LABEL.service] ?? '?';
  if (isParked(extra)) {
    return `${service}: removing ${extra.name}, left by an interrupted recreate (its replacement exists; volumes kept)`;
  }
  const n = containerNumber(extra);
  if (scale !== undefined && (n > scale || n < 1)) {
    return `${service}: removing ${extra.name} (replica ${n}; scale is now ${scale}; volumes kept)`;
  }
  return `${service}: removing ${extra.name} (a duplicate of replica ${n}; volumes kept)`;
}

/** A service being rebuilt is recreated even when its config and image id are unchanged. */
function forceRecreateOf(action: ServiceAction, rebuild: ReadonlySet<string>): ServiceAction {
  if (!rebuild.has(action.service) || (action.kind !== 'keep' && action.kind !== 'start')) return action;
  return { service: action.service, replica: action.replica, kind: 'recreate', container: action.container, reason: 'forced' };
}

function toPortBinding(b: PlannedBinding): PortBinding {
  return { containerPort: b.containerPort, protocol: b.protocol, hostIp: b.hostIp, hostPort: b.hostPort };
}
