// Applies one service's planned action on the engine in two halves: prepare (stop/remove an outdated container,
// create the new one) and start. A recreate keeps anonymous volumes unless asked to renew them.
// A "port is already allocated" race at start picks another host port and tries again, a bounded number of times.
import type { ContainerSpec } from '../core/container-spec.js';
import { reuseAnonymousVolumes } from '../core/container-spec.js';
import type { ServiceAction } from '../core/convergence-plan.js';
import type { ContainerRequest, Engine } from '../core/engine.js';
import { DevstackError, isDevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { HostPortPlanner, PlannedBinding } from '../core/host-port-plan.js';

const PORT_RACE_RETRIES = 3;
const DEFAULT_STOP_TIMEOUT_S = 10;

export interface ApplyRequest {
  engine: Engine;
  action: ServiceAction;
  spec: ContainerSpec;
  bindings: PlannedBinding[];
  ports: HostPortPlanner;
  /** The project's port memory, and --strict-ports (a taken port is then an error, never replaced). */
  portMemory: { project: string; stateDir: string; strict: boolean };
  /** A recreate starts with fresh anonymous volumes (and removes the old ones) instead of keeping them. */
  renewAnonymousVolumes?: boolean;
  onEvent: EventSink;
  /** Called with the id of every container this run created (Ctrl-C stops them). */
  onCreated: (id: string) => void;
}

/** A service's container made ready to start: created (or kept), not started yet. */
export interface PreparedContainer {
  /** Starts it (if it needs starting) and returns the id of the running container. */
  start(): Promise<string>;
}

/**
 * First half of an action: everything up to the start (stop and remove an outdated container, create the new one).
 * `up` runs it while the service's dependencies are still becoming ready, then starts once they are.
 */
export async function prepareServiceContainer(req: ApplyRequest): Promise<PreparedContainer> {
  const { engine, action, onEvent } = req;
  const service = action.service;
  switch (action.kind) {
    case 'keep':
      return {
        start: async () => {
          onEvent({ type: 'service', service, phase: 'unchanged' });
          return action.container.id;
        },
      };
    case 'start':
      return {
        start: async () => {
          onEvent({ type: 'service', service, phase: 'start' });
          await engine.startContainer(action.container.id);
          return action.container.id;
        },
      };
    case 'create':
      onEvent({ type: 'service', service, phase: 'create' });
      return createdContainer(req, req.spec.request);
    case 'recreate': {
      onEvent({ type: 'service', service, phase: 'recreate', detail: action.reason });
      const old = await engine.inspectContainer(action.container.id);
      const anonymous: Record<string, string> = {};
      const renew = req.renewAnonymousVolumes === true;
      for (const m of renew ? [] : (old.mounts ?? [])) {
        // An anonymous volume has a generated 64-hex name; a named one is already in the request.
        if (m.type === 'volume' && m.name && /^[0-9a-f]{64}$/.test(m.name)) anonymous[m.target] = m.name;
      }
      await engine.stopContainer(action.container.id, req.spec.request.stopTimeoutS ?? DEFAULT_STOP_TIMEOUT_S);
      await engine.removeContainer(action.container.id, { force: true, removeVolumes: renew });
      return createdContainer(req, reuseAnonymousVolumes(req.spec.request, anonymous));
    }
  }
}

async function createdContainer(req: ApplyRequest, request: ContainerRequest): Promise<PreparedContainer> {
  const id = await req.engine.createContainer(request);
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
    onEvent({ type: 'service', service: req.action.service, phase: 'start' });
    try {
      await engine.startContainer(id);
      for (const r of replaced) await req.ports.rememberReplacement(req.portMemory, r.binding, r.hostPort).catch(() => undefined);
      return id;
    } catch (e) {
      if (!isDevstackError(e) || e.kind !== 'port' || attempt >= PORT_RACE_RETRIES) throw e;
      const port = portInMessage(e.message);
      const binding = current.ports.find((p) => p.hostPort === port);
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
      const replacement = await req.ports.pickReplacement(target, tried, engine);
      replaced.push({ binding: target, hostPort: replacement });
      onEvent({
        type: 'notice',
        level: 'warn',
        service: req.action.service,
        message: `${req.action.service} ${binding.hostPort} -> ${replacement} (${binding.hostPort} was taken while starting)`,
      });
      await engine.removeContainer(id, { force: true, removeVolumes: true });
      current = { ...current, ports: current.ports.map((p) => (p === binding ? { ...p, hostPort: replacement } : p)) };
      id = await engine.createContainer(current);
      req.onCreated(id);
    }
  }
}

function portInMessage(message: string): number | undefined {
  const m = /:(\d{1,5})(?:\D|$)[^]*?(?:already allocated|already in use)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

