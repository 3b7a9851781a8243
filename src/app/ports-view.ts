// `devstack ports`: every published container port of the project's running containers and the host address
// it is reachable on (the effective one: remapped ports included), read from the engine, not from the plan.
import type { ContainerQueryPort, EngineReachPort, PublishedPort } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import { containerNumber } from '../core/convergence-plan.js';
import { LABEL } from '../core/labels.js';
import { publishedFromHere } from '../core/remote-addresses.js';

export interface PortRow {
  service: string;
  container: string;
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
}

export interface RunningService {
  service: string;
  container: string;
  /** Its container number: replicas of a scaled service come in order, replica 1 first. */
  number: number;
  published: PublishedPort[];
}

/** The project's running service containers with what each publishes (inspected: the engine's own view). */
export async function runningServices(projectName: string, engine: ContainerQueryPort & EngineReachPort): Promise<RunningService[]> {
  const containers = (await engine.listProjectContainers(projectName)).filter(
    (c) => c.labels[LABEL.project] === projectName && c.labels[LABEL.oneoff] !== 'True' && c.status === 'running',
  );
  if (containers.length === 0) {
    throw new DevstackError('not-found', `project ${projectName} has no running containers`, {
      hint: 'start it with devstack up (or name the project with -p)',
    });
  }
  const running = await Promise.all(
    containers.map(async (c) => ({
      service: c.labels[LABEL.service] ?? '',
      container: c.name,
      number: containerNumber(c),
      published: (await engine.inspectContainer(c.id)).ports.map((p) => publishedFromHere(engine.location, p)),
    })),
  );
  return running.sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number || a.container.localeCompare(b.container));
}

export async function portsView(req: { projectName: string }, deps: { engine: ContainerQueryPort & EngineReachPort }): Promise<PortRow[]> {
  return (await runningServices(req.projectName, deps.engine)).flatMap((s) =>
    s.published
      .filter((p) => p.hostPort > 0)
      .map((p) => ({ service: s.service, container: s.container, containerPort: p.containerPort, protocol: p.protocol, hostIp: p.hostIp, hostPort: p.hostPort }))
      .sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol) || ipv4First(a.hostIp, b.hostIp)),
  );
}

function ipv4First(a: string, b: string): number {
  return Number(a.includes(':')) - Number(b.includes(':')) || a.localeCompare(b);
}
