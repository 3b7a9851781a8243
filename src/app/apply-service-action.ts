// Applies one service's planned action on the engine: create, recreate (keeping anonymous volumes), start, keep.
// A "port is already allocated" race at start picks another host port and tries again, a bounded number of times.
import type { ContainerSpec } from '../core/container-spec.js';
import { reuseAnonymousVolumes } from '../core/container-spec.js';
import type { ServiceAction } from '../core/convergence-plan.js';
import type { ContainerRequest, Engine } from '../core/engine.js';
import { isDevstackError } from '../core/errors.js';
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
  onEvent: EventSink;
  /** Called with the id of every container this run created (Ctrl-C stops them). */
  onCreated: (id: string) => void;
}

/** Returns the id of the service's container, running. */
export async function applyServiceAction(req: ApplyRequest): Promise<string> {
  const { engine, action, onEvent } = req;
  const service = action.service;
  switch (action.kind) {
    case 'keep':
      onEvent({ type: 'service', service, phase: 'unchanged' });
      return action.container.id;
    case 'start':
      onEvent({ type: 'service', service, phase: 'start' });
      await engine.startContainer(action.container.id);
      return action.container.id;
    case 'create':
      onEvent({ type: 'service', service, phase: 'create' });
      return createAndStart(req, req.spec.request);
    case 'recreate': {
      onEvent({ type: 'service', service, phase: 'recreate', detail: action.reason });
      const old = await engine.inspectContainer(action.container.id);
      const anonymous: Record<string, string> = {};
      for (const m of old.mounts ?? []) {
        // An anonymous volume has a generated 64-hex name; a named one is already in the request.
        if (m.type === 'volume' && m.name && /^[0-9a-f]{64}$/.test(m.name)) anonymous[m.target] = m.name;
      }
      await engine.stopContainer(action.container.id, req.spec.request.stopTimeoutS ?? DEFAULT_STOP_TIMEOUT_S);
      await engine.removeContainer(action.container.id, { force: true, removeVolumes: false });
      return createAndStart(req, reuseAnonymousVolumes(req.spec.request, anonymous));
    }
  }
}

async function createAndStart(req: ApplyRequest, request: ContainerRequest): Promise<string> {
  const { engine, onEvent } = req;
  let current = request;
  const tried = new Set<number>();
  for (let attempt = 0; ; attempt++) {
    const id = await engine.createContainer(current);
    req.onCreated(id);
    onEvent({ type: 'service', service: req.action.service, phase: 'start' });
    try {
      await engine.startContainer(id);
      return id;
    } catch (e) {
      if (!isDevstackError(e) || e.kind !== 'port' || attempt >= PORT_RACE_RETRIES) throw e;
      const port = portInMessage(e.message);
      const binding = current.ports.find((p) => p.hostPort === port);
      if (!binding) throw e;
      tried.add(binding.hostPort);
      const planned = req.bindings.find((b) => b.containerPort === binding.containerPort && b.protocol === binding.protocol);
      const replacement = await req.ports.pickReplacement(planned ?? { ...binding, service: req.action.service }, tried);
      onEvent({
        type: 'notice',
        level: 'warn',
        service: req.action.service,
        message: `${req.action.service} ${binding.hostPort} -> ${replacement} (${binding.hostPort} was taken while starting)`,
      });
      await engine.removeContainer(id, { force: true, removeVolumes: true });
      current = {
        ...current,
        ports: current.ports.map((p) => (p === binding ? { ...p, hostPort: replacement } : p)),
      };
    }
  }
}

function portInMessage(message: string): number | undefined {
  const m = /:(\d{1,5})(?:\D|$)[^]*?(?:already allocated|already in use)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

