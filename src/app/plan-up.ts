// The deciding half of `up`: what each selected service's container should be (spec + config hash, with
// remapped ports and rewritten localhost URLs), what to do about what runs now, and clearing out orphans.
import { containerSpecFor, isParked, type ContainerSpec } from '../core/container-spec.js';
import { planConvergence, type ServiceAction } from '../core/convergence-plan.js';
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
  specs: Map<string, ContainerSpec>;
  actions: Map<string, ServiceAction>;
}

export async function planUp(input: UpPlanInput): Promise<UpPlan> {
  const { engine, project, portPlan, onEvent } = input;
  const specs = new Map<string, ContainerSpec>();
  for (const name of input.selected) {
    const service = project.services[name] as ServiceConfig;
    const { env, rewrites } = rewriteLocalhostPorts(service.environment, portPlan.remaps);
    for (const r of rewrites) {
      const message = isSecretName(r.key)
        ? `${name}: ${r.key} now points at the moved port (its value is secret; \`devstack config --show-secrets\` shows it)`
        : `${name}: ${r.key}=${maskText(r.to)} (was ${maskText(r.from)})`;
      onEvent({ type: 'notice', level: 'info', service: name, message });
    }
    const ports = portPlan.bindings.filter((b) => b.service === name).map(toPortBinding);
    specs.set(name, containerSpecFor({ project, service, ports, environment: env }));
  }

  const plan = planConvergence({
    desired: input.graph.withDependencies(input.selected).filter((n) => specs.has(n)).map((n) => ({
      name: n,
      hash: (specs.get(n) as ContainerSpec).hash,
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
  for (const extra of plan.extras) {
    // Like compose when the scale goes down: stopped and removed (its volumes kept), but said out loud.
    onEvent({ type: 'notice', level: 'warn', service: extra.labels[LABEL.service], message: extraRemovalNotice(extra) });
    await engine.stopContainer(extra.id, EXTRA_STOP_TIMEOUT_S);
    await engine.removeContainer(extra.id, { force: true, removeVolumes: false });
    onEvent({ type: 'resource', kind: 'container', name: extra.name, action: 'remove' });
  }
  return { specs, actions: new Map(plan.services.map((a) => [a.service, forceRecreateOf(a, input.rebuild)])) };
}

/** Why an extra container of a service goes: a replica beyond the one devstack runs, or a recreate's leftover. */
export function extraRemovalNotice(extra: ContainerInfo): string {
  const service = extra.labels[LABEL.service] ?? '?';
  if (isParked(extra)) {
    return `${service}: removing ${extra.name}, left by an interrupted recreate (its replacement exists; volumes kept)`;
  }
  const n = extra.labels[LABEL.containerNumber];
  const which = n && n !== '1' ? `replica ${n}` : 'a duplicate';
  return `${service}: removing ${extra.name} (${which}; devstack runs one container per service; volumes kept)`;
}

/** A service being rebuilt is recreated even when its config and image id are unchanged. */
function forceRecreateOf(action: ServiceAction, rebuild: ReadonlySet<string>): ServiceAction {
  if (!rebuild.has(action.service) || (action.kind !== 'keep' && action.kind !== 'start')) return action;
  return { service: action.service, kind: 'recreate', container: action.container, reason: 'forced' };
}

function toPortBinding(b: PlannedBinding): PortBinding {
  return { containerPort: b.containerPort, protocol: b.protocol, hostIp: b.hostIp, hostPort: b.hostPort };
}
