// Applies one service's planned action on the engine in two halves: prepare (replace an outdated container, or
// create one) and start. A recreate goes as compose's does: the old container is renamed aside, the new one
// created with the old one's anonymous volumes (unless asked to renew them), and only then is the old one stopped
// and removed; a failed create renames the old one back, still running. Nothing is lost when devstack dies between
// two steps: the next `up` finds the renamed container by its labels.
// A "port is already allocated" race at start picks another host port and tries again, a bounded number of times.
import type { ContainerSpec } from '../core/container-spec.js';
import { isParked, parkedName, reuseAnonymousVolumes } from '../core/container-spec.js';
import type { ServiceAction } from '../core/convergence-plan.js';
import type { ContainerInfo, ContainerPort, ContainerRequest, EngineReachPort, ImagePort, NetworkVolumePort } from '../core/engine.js';
import { DevstackError, HostPortTaken, isDevstackError, MissingBindSource } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { SourceLocation, VolumeMount } from '../core/model.js';
import type { HostPortPlanner, PlannedBinding } from '../core/host-port-plan.js';
import { removeWithAnonymousVolumes } from './remove-container.js';
import { pauseHereForTests } from './test-pause.js';

const PORT_RACE_RETRIES = 3;
const DEFAULT_STOP_TIMEOUT_S = 10;

export interface ApplyRequest {
  /** Containers; the image's declared volumes; anonymous volumes removed; a remote engine's ports when one is taken. */
  engine: ContainerPort & ImagePort & NetworkVolumePort & EngineReachPort;
  action: ServiceAction;
  spec: ContainerSpec;
  bindings: PlannedBinding[];
  ports: HostPortPlanner;
  /** The project's port memory, and --strict-ports (a taken port is then an error, never replaced). */
  portMemory: { project: string; stateDir: string; strict: boolean };
  /** A recreate starts with fresh anonymous volumes (and removes the old ones) instead of keeping them. */
  renewAnonymousVolumes?: boolean;
  onEvent: EventSink;
  /** Where the service is written: an engine refusal that is the compose file's fault is located there. */
  location?: SourceLocation;
  /** The service's mounts as loaded: a missing bind source is located at the entry that names it. */
  volumes?: VolumeMount[];
  /** Called with the id of every container this run created (Ctrl-C stops them). */
  onCreated: (id: string) => void;
  /** Which replica (its container number), for the progress lines of a service that runs several containers. */
  replica?: number;
  /**
   * Host ports planned for the project's other containers (a scaled service's other replicas above all): a port
   * picked when the planned one was taken while starting (a remote engine's host shows only then) avoids them, so
   * one replica's move does not push the next one's port too.
   */
  reservedHostPorts?: ReadonlySet<number>;
  /**
   * Copies files into the container once it exists and before it starts (single files bind-mounted on a remote
   * engine); a kept or stopped container gets them again, so they are this host's at each `up`.
   */
  copyIn?: (id: string) => Promise<void>;
}

/** What a step's event says besides its phase: the replica (when the service runs several) and the reason, if any. */
function stepDetail(req: ApplyRequest, reason?: string): { replica?: number; detail?: string } {
  return { ...(req.replica !== undefined ? { replica: req.replica } : {}), ...(reason ? { detail: reason } : {}) };
}

/** A service's container made ready to start: created (or kept), not started yet. */
export interface PreparedContainer {
  /** Starts it (if it needs starting) and returns the id of the running container. */
  start(): Promise<string>;
}

/**
 * First half of an action: everything up to the start (replace an outdated container, or create one).
 * `up` runs it while the service's dependencies are still becoming ready, then starts once they are.
 */
export async function prepareServiceContainer(req: ApplyRequest): Promise<PreparedContainer> {
  const { engine, action, onEvent } = req;
  const service = action.service;
  switch (action.kind) {
    case 'keep':
      await restoreParkedName(req, action.container);
      await req.copyIn?.(action.container.id);
      return {
        start: async () => {
          onEvent({ type: 'service', service, phase: 'unchanged', ...stepDetail(req) });
          return action.container.id;
        },
      };
    case 'start':
      await restoreParkedName(req, action.container);
      await req.copyIn?.(action.container.id);
      return {
        start: async () => {
          onEvent({ type: 'service', service, phase: 'start', ...stepDetail(req) });
          await engine.startContainer(action.container.id);
          return action.container.id;
        },
      };
    case 'create':
      onEvent({ type: 'service', service, phase: 'create', ...stepDetail(req) });
      return createdContainer(req, req.spec.request);
    case 'recreate':
      onEvent({ type: 'service', service, phase: 'recreate', ...stepDetail(req, action.reason) });
      return recreated(req, action.container);
  }
}

async function recreated(req: ApplyRequest, container: ContainerInfo): Promise<PreparedContainer> {
  const { engine } = req;
  const renew = req.renewAnonymousVolumes === true;
  const old = await engine.inspectContainer(container.id);
  const request = renew
    ? req.spec.request
    : reuseAnonymousVolumes(req.spec.request, old.mounts ?? [], await engine.imageVolumes(req.spec.request.image));
  // A leftover of an interrupted recreate is parked already.
  const parked = isParked(old) ? old.name : parkedName(old, old.name);
  if (old.name !== parked) await engine.renameContainer(old.id, parked);
  await pauseHereForTests('after-rename');
  let id: string;
  try {
    id = await createLocated(req, request);
  } catch (e) {
    // The old container, still as it was (and still running if it ran), takes its name back.
    if (old.name !== parked) await engine.renameContainer(old.id, old.name).catch(() => undefined);
    throw e;
  }
  req.onCreated(id);
  await pauseHereForTests('after-create');
  await engine.stopContainer(old.id, req.spec.request.stopTimeoutS ?? DEFAULT_STOP_TIMEOUT_S);
  // Its anonymous volumes now belong to the new container; renewed, they go with it (those carried over before too).
  if (renew) await removeWithAnonymousVolumes(engine, old.id, req.onEvent);
  else await engine.removeContainer(old.id, { force: true, removeVolumes: false });
  return { start: () => startWithPortRetry(req, id, request) };
}

/**
 * A kept container still named `<id12>_<name>` was renamed aside by a recreate that did not finish (devstack was
 * killed): it takes its name back.
 */
async function restoreParkedName(req: ApplyRequest, container: ContainerInfo): Promise<void> {
  const wanted = req.spec.request.name;
  if (container.name === wanted || container.name !== parkedName(container, wanted)) return;
  await req.engine.renameContainer(container.id, wanted);
  req.onEvent({
    type: 'notice',
    level: 'warn',
    service: req.action.service,
    message: `${req.action.service}: renamed ${container.name} back to ${wanted} (an earlier recreate was interrupted)`,
  });
}

/**
 * Creates the container; a refusal that is the compose file's fault points at the service, or for a missing bind
 * source, at the volume entry that names it.
 */
async function createLocated(req: ApplyRequest, request: ContainerRequest): Promise<string> {
  let id: string;
  try {
    id = await req.engine.createContainer(request);
  } catch (e) {
    if (!isDevstackError(e) || e.kind !== 'compose' || e.location) throw e;
    const location = (e instanceof MissingBindSource ? bindEntryLocation(req.volumes, e.hostPath) : undefined) ?? req.location;
    if (!location) throw e;
    throw new DevstackError('compose', e.message, { location, ...(e.hint ? { hint: e.hint } : {}), cause: e });
  }
  await copyInOrRemove(req, id);
  return id;
}

function bindEntryLocation(volumes: VolumeMount[] | undefined, hostPath: string | undefined): SourceLocation | undefined {
  const same = (a: string) => hostPath !== undefined && a.replace(/\/+$/, '') === hostPath.replace(/\/+$/, '');
  return volumes?.find((v) => v.type === 'bind' && same(v.source))?.location;
}

/** A container that cannot get its files is removed, not left half made. */
async function copyInOrRemove(req: ApplyRequest, id: string): Promise<void> {
  try {
    await req.copyIn?.(id);
  } catch (e) {
    await req.engine.removeContainer(id, { force: true, removeVolumes: true }).catch(() => undefined);
    throw e;
  }
}

async function createdContainer(req: ApplyRequest, request: ContainerRequest): Promise<PreparedContainer> {
  const id = await createLocated(req, request);
  req.onCreated(id);
  return { start: () => startWithPortRetry(req, id, request) };
}

async function startWithPortRetry(req: ApplyRequest, createdId: string, request: ContainerRequest): Promise<string> {
  const { engine, onEvent } = req;
  let id = createdId;
  let current = request;
  const tried = new Set<number>();
  /** Ports picked in the race, remembered once the start succeeds. */
  const replaced: { binding: PlannedBinding; hostPort: number }[] = [];
  for (let attempt = 0; ; attempt++) {
    onEvent({ type: 'service', service: req.action.service, phase: 'start', ...stepDetail(req) });
    try {
      await engine.startContainer(id);
      for (const r of replaced) {
        const warnings = await req.ports.rememberReplacement(req.portMemory, r.binding, r.hostPort);
        for (const message of warnings) onEvent({ type: 'notice', level: 'warn', service: req.action.service, message });
      }
      return id;
    } catch (e) {
      if (!(e instanceof HostPortTaken) || attempt >= PORT_RACE_RETRIES) throw e;
      const binding = current.ports.find((p) => p.hostPort === e.hostPort);
      if (!binding) throw e;
      if (req.portMemory.strict) {
        throw new DevstackError('port', `${req.action.service}: host port ${binding.hostPort} was taken while starting (--strict-ports)`, {
          hint: `Free port ${binding.hostPort}, or run without --strict-ports to let devstack pick another.`,
          cause: e,
        });
      }
      tried.add(binding.hostPort);
      const planned = req.bindings.find((b) => b.containerPort === binding.containerPort && b.protocol === binding.protocol);
      const target = planned ?? { ...binding, service: req.action.service };
      const replacement = await req.ports.pickReplacement(target, new Set([...tried, ...(req.reservedHostPorts ?? [])]), engine);
      replaced.push({ binding: target, hostPort: replacement });
      onEvent({
        type: 'notice',
        level: 'warn',
        service: req.action.service,
        message: `${req.replica !== undefined ? `${req.action.service}-${req.replica}` : req.action.service} ${binding.hostPort} -> ${replacement} (${binding.hostPort} was taken while starting)`,
      });
      await engine.removeContainer(id, { force: true, removeVolumes: true });
      current = { ...current, ports: current.ports.map((p) => (p === binding ? { ...p, hostPort: replacement } : p)) };
      id = await engine.createContainer(current);
      await copyInOrRemove(req, id);
      req.onCreated(id);
    }
  }
}
