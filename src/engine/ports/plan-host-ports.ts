// Host ports for a project's published container ports: declared ports when free, else the next free
// one above (remembered for next time), or an error under --strict-ports.
import type { ContainerQueryPort, EngineReachPort } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import type { HostPortPlan, HostPortRequest, PlannedBinding } from '../../core/host-port-plan.js';
import type { ServiceConfig } from '../../core/model.js';
import { HIGHEST_PORT, planPorts, rememberKey, type PortProtocol, type PortTakenLookup, type RequestedBinding } from '../../core/port-plan.js';
import { LABEL } from '../../core/labels.js';
import { containerNumber } from '../../core/convergence-plan.js';
import { replicaCount } from '../../core/container-spec.js';
import { checkHostPort, describeHostPortHolder } from './host-port-check.js';
import { PortMemory } from './port-memory.js';

export type { HostPortPlan, HostPortRequest, PlannedBinding };

/** How many ports above a taken one are checked per round before planning again. */
const CHECK_WINDOW = 16;
const MAX_ROUNDS = 64;
const CHECK_CONCURRENCY = 16;

export async function planHostPorts(engine: ContainerQueryPort & EngineReachPort, req: HostPortRequest): Promise<HostPortPlan> {
  const memory = new PortMemory(req.stateDir);
  if (req.resetMemory && !req.dryRun) await memory.forget(req.project);
  const remembered = await memory.read(req.project);
  const requested = requestedBindings(req.services);

  const [published, ownContainers, otherProjects] = await Promise.all([
    engine.listPublishedPorts(),
    engine.listProjectContainers(req.project),
    memory.portsOfOtherProjects(req.project),
  ]);
  const foreign = new Map<string, string>();
  for (const entry of published) {
    if (entry.project === req.project) continue;
    foreign.set(portKey(entry.port.protocol, entry.port.hostPort), `published by container ${entry.containerName}`);
  }
  const own = new Map<string, { service: string; replica: number; containerPort: number; name: string }>();
  for (const container of ownContainers) {
    const service = container.labels[LABEL.service] ?? '';
    const replica = containerNumber(container);
    for (const port of container.ports) {
      if (port.hostPort > 0) own.set(portKey(port.protocol, port.hostPort), { service, replica, containerPort: port.containerPort, name: container.name });
    }
  }

  // Host checks are I/O; the planner is pure. Check what it asks about, plan again until it asks nothing new.
  const host = new Map<string, string | false>();
  const unchecked = new Set<string>();
  const isTaken: PortTakenLookup = (port, protocol, binding) => {
    const key = portKey(protocol, port);
    const ours = own.get(key);
    if (ours) {
      // Our own container's docker-proxy holds it: free for the same service, replica and container port.
      if (ours.service === binding.service && ours.replica === (binding.replica ?? 1) && ours.containerPort === binding.containerPort) return false;
      return `published by container ${ours.name}`;
    }
    const holder = foreign.get(key) ?? otherProjects.get(key) ?? host.get(key);
    if (holder !== undefined) return holder;
    // Not checked yet: pretend free so the planner stops here; it is checked and the plan made again.
    unchecked.add(key);
    return false;
  };
  // A remote engine's host is not this host: what holds its ports is what the engine publishes (above) and,
  // for anything else there, the "port is already allocated" retry at start. This host's sockets say nothing.
  const remote = engine.location?.kind === 'remote';
  const checkPorts = async (keys: string[]) => {
    if (remote) {
      for (const key of keys) host.set(key, false);
      return;
    }
    // A few at a time: each check opens sockets, and too many at once fail with EMFILE (read as "taken").
    for (let start = 0; start < keys.length; start += CHECK_CONCURRENCY) {
      await Promise.all(
        keys.slice(start, start + CHECK_CONCURRENCY).map(async (key) => {
          const [protocol, portText] = key.split('/') as [PortProtocol, string];
          const port = Number(portText);
          const check = await checkHostPort(port, protocol);
          host.set(key, check.free ? false : await describeHostPortHolder(port, protocol));
        }),
      );
    }
  };

  let plan = planPorts({ bindings: requested, isTaken, remembered, strict: req.strict });
  for (let round = 0; unchecked.size > 0; round++) {
    req.signal?.throwIfAborted();
    if (round === MAX_ROUNDS) throw new DevstackError('internal', 'host port planning did not settle');
    const toCheck = new Set<string>();
    for (const key of unchecked) {
      const [protocol, portText] = key.split('/') as [PortProtocol, string];
      for (let port = Number(portText); port < Number(portText) + CHECK_WINDOW && port <= HIGHEST_PORT; port++) {
        if (!host.has(portKey(protocol, port))) toCheck.add(portKey(protocol, port));
      }
    }
    unchecked.clear();
    await checkPorts([...toCheck]);
    plan = planPorts({ bindings: requested, isTaken, remembered, strict: req.strict });
  }

  if (plan.errors.length === 1) throw plan.errors[0];
  if (plan.errors.length > 1) {
    throw new DevstackError('port', `${plan.errors.length} host ports are taken`, {
      hint: plan.errors[0]?.hint ?? 'free them or drop --strict-ports',
      details: plan.errors.map((e) => e.message),
    });
  }

  if (!req.strict && !req.dryRun) {
    // Keep what was remembered for services not planned this time (`up api` must not forget `db`).
    const planned = new Set(requested.map((b) => b.service));
    const kept = Object.fromEntries(Object.entries(remembered).filter(([key]) => !planned.has(key.slice(0, key.indexOf('/')).replace(/#\d+$/, ''))));
    await memory.write(req.project, { ...kept, ...plan.remember });
  }
  // The memory is a cache: what went wrong with it is said once, and the run goes on without it.
  return { bindings: plan.bindings, remaps: plan.remaps, notices: [...plan.notices, ...memory.warnings] };
}

/** For the "port is already allocated" race: the next port above the lost one that is free on the host now. */
export async function pickReplacementPort(binding: PlannedBinding, alsoTaken: Set<number>, engine?: ContainerQueryPort & EngineReachPort): Promise<number> {
  if (binding.hostPort === 0) return 0;
  // Remote engine: skip what its containers publish; anything else there shows up as another "already allocated".
  const published = engine?.location?.kind === 'remote'
    ? new Set((await engine.listPublishedPorts()).filter((e) => e.port.protocol === binding.protocol).map((e) => e.port.hostPort))
    : undefined;
  for (let port = binding.hostPort + 1; port <= HIGHEST_PORT; port++) {
    if (alsoTaken.has(port)) continue;
    if (published) {
      if (!published.has(port)) return port;
      continue;
    }
    if ((await checkHostPort(port, binding.protocol)).free) return port;
  }
  throw new DevstackError('port', `no free host port above ${binding.hostPort} for service ${binding.service}`, {
    hint: 'free a port or publish another one',
  });
}

/**
 * The race's pick is sticky too: the next `up` reuses it while free, instead of recreating the container. A state
 * path that cannot be written only costs that (the memory is a cache), and is said.
 */
export async function rememberReplacementPort(
  req: { project: string; stateDir: string },
  binding: PlannedBinding,
  hostPort: number,
): Promise<string[]> {
  const memory = new PortMemory(req.stateDir);
  const key = rememberKey(binding.service, binding.containerPort, binding.protocol, binding.replica);
  await memory.write(req.project, { ...(await memory.read(req.project)), [key]: hostPort });
  return memory.warnings;
}

/**
 * The compose `ports:` of each service, in order (services in the order given), once per replica of a scaled
 * service. A fixed host port is asked for every replica: replica 1 gets it and the others are remapped to the next
 * free ports, announced like any remap (docker compose instead fails the second replica with "port is already
 * allocated"). A host range (`8000-8002:80`) gives replica n the range's n-th port; a replica past its end is
 * remapped above it. No host port: each replica gets an ephemeral one.
 */
export function requestedBindings(services: ServiceConfig[]): RequestedBinding[] {
  return services.flatMap((service) => {
    const count = replicaCount(service);
    return Array.from({ length: count }, (_, i) => i + 1).flatMap((replica) =>
      service.ports.map((port) => ({
        service: service.name,
        ...(count > 1 ? { replica } : {}),
        containerPort: port.target,
        protocol: port.protocol,
        ...(port.hostIp === undefined || port.hostIp === '' ? {} : { hostIp: port.hostIp }),
        ...(port.published === undefined ? {} : { hostPort: Math.min(port.published + replica - 1, port.publishedTo ?? port.published) }),
      })),
    );
  });
}

function portKey(protocol: PortProtocol, port: number): string {
  return `${protocol}/${port}`;
}
