// `devstack up`: build/pull, create and start the services in dependency order, wait until each is ready.
import type { ContainerSpec } from '../core/container-spec.js';
import { recreateIfImageChanged, type ServiceAction } from '../core/convergence-plan.js';
import type { Engine } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { assertAcyclic, DependencyGraph, walkGraph } from '../core/graph.js';
import type { Project, ServiceConfig } from '../core/model.js';
import { ensureServiceImage } from './images.js';
import { prepareServiceContainer, type PreparedContainer } from './apply-service-action.js';
import type { HostPortPlanner, PlannedBinding } from '../core/host-port-plan.js';
import type { WaitCondition, WaitForService, WaitResult } from '../core/service-wait.js';
import { planUp } from './plan-up.js';
import { ensureProjectResources } from './project-resources.js';
import { finalCondition, ReadinessWaits } from './readiness-waits.js';
import { serviceFailure } from './service-failure.js';
import { selectServices } from './select-services.js';
import { startPriorities } from '../core/start-priority.js';
import { StartOrder } from './start-order.js';
import { carryBindMounts, type RemoteBindDeps } from './remote-bind-volumes.js';

export interface UpRequest {
  project: Project;
  /** Services named on the command line; empty = every active service. */
  services: string[];
  forceRecreate: boolean;
  removeOrphans: boolean;
  build: boolean;
  /**
   * `watch`'s rebuild rule: these services' images are built even when they exist, and their containers are
   * recreated with fresh anonymous volumes (so /app/node_modules comes from the new image, like `up -V`).
   */
  rebuild?: string[];
  strictPorts: boolean;
  resetPorts: boolean;
  /** Limit for the whole `up`. */
  waitTimeoutMs: number;
  stateDir: string;
  signal: AbortSignal;
  onEvent: EventSink;
}

export interface UpDeps {
  engine: Engine;
  ports: HostPortPlanner;
  waitForService: WaitForService;
  /** Given on a remote engine: bind-mounted project folders are carried there in project volumes. */
  remoteBinds?: RemoteBindDeps;
}

export interface UpServiceResult {
  service: string;
  container: string;
  action: ServiceAction['kind'];
  probe: string;
  readyAfterMs: number;
  ports: PlannedBinding[];
}

export interface UpResult {
  project: string;
  services: UpServiceResult[];
  remaps: { service: string; declared: number; effective: number; holder: string }[];
  elapsedMs: number;
}

const WALK_CONCURRENCY = 4;
const INTERRUPT_STOP_TIMEOUT_S = 3;

export async function up(req: UpRequest, deps: UpDeps): Promise<UpResult> {
  const started = Date.now();
  const { onEvent } = req;
  const { engine } = deps;
  const carried = deps.remoteBinds ? carryBindMounts(engine, req.project, deps.remoteBinds, onEvent) : undefined;
  const project = carried?.project ?? req.project;
  const graph = new DependencyGraph(project.services);
  assertAcyclic(graph, project.services);
  const selected = selectServices(project, graph, req.services);
  const services = selected.map((n) => project.services[n] as ServiceConfig);

  // One limit for the whole run: scheduling stops at it, and every wait is bounded by what is left of it.
  const deadline = started + req.waitTimeoutMs;
  const signal = AbortSignal.any([req.signal, AbortSignal.timeout(req.waitTimeoutMs)]);

  const portPlan = await deps.ports.plan(engine, {
    project: project.name,
    services,
    strict: req.strictPorts,
    resetMemory: req.resetPorts,
    stateDir: req.stateDir,
    signal,
  });
  for (const message of portPlan.notices) onEvent({ type: 'notice', level: 'warn', message });

  await ensureProjectResources(engine, project, services, onEvent);

  const rebuild = new Set(req.rebuild ?? []);
  const { specs, actions } = await planUp({
    engine,
    project,
    graph,
    selected,
    portPlan,
    forceRecreate: req.forceRecreate,
    removeOrphans: req.removeOrphans,
    rebuild,
    onEvent,
  });

  // Images are prepared as soon as the run starts, in parallel with starting what is ready already.
  const images = new Map<string, Promise<string>>();
  const imageFor = (name: string) => {
    let p = images.get(name);
    if (!p) {
      p = ensureServiceImage({ engine, project, service: project.services[name] as ServiceConfig, forceBuild: req.build || rebuild.has(name), signal, onEvent });
      images.set(name, p);
    }
    return p;
  };
  const buildsFirst = [...selected].sort((a, b) => Number(!!project.services[b]?.build) - Number(!!project.services[a]?.build));
  for (const n of buildsFirst) imageFor(n).catch(() => undefined);

  const containerIds = new Map<string, string>();
  const createdThisRun: string[] = [];
  /** The last container created for a service, even if it then failed to start (its logs explain why). */
  const createdFor = new Map<string, string>();
  const readinessWaits = new ReadinessWaits({ engine, project, waitForService: deps.waitForService, signal: req.signal, deadline, onEvent });
  const waitFor = (name: string, condition: WaitCondition) => readinessWaits.waitFor(name, containerIds.get(name) as string, condition);
  /** Why a service failed to become ready (the waiter's verdict), by service. */
  const failures = new Map<string, unknown>();
  const waitForDependencies = async (name: string, service: ServiceConfig): Promise<void> => {
    const results = await Promise.all(
      Object.entries(service.dependsOn)
        .filter(([dep]) => containerIds.has(dep))
        .map(async ([dep, d]) => ({ dep, d, result: await waitFor(dep, d.condition) })),
    );
    for (const { dep, d, result } of results) {
      if (result.ok) continue;
      if (!d.required) {
        onEvent({ type: 'notice', level: 'warn', service: name, message: `${name}: optional dependency ${dep} is not ready (${result.reason}); starting anyway` });
        continue;
      }
      failures.set(dep, result);
      throw new DependencyNotReady(dep);
    }
  };

  const priorities = startPriorities(graph, project.services, selected);
  const startOrder = new StartOrder((n) => priorities.get(n) ?? 0);
  const outcomes = await walkGraph(graph, {
    direction: 'up',
    only: selected,
    concurrency: WALK_CONCURRENCY,
    signal,
    visit: async (name) => {
      const service = project.services[name] as ServiceConfig;
      // While its dependencies become ready: its image is built or pulled and its container created.
      const prepare = async (): Promise<PreparedContainer> => {
        const imageRef = await imageFor(name);
        await carried?.fill(name, imageRef);
        const action = recreateIfImageChanged(actions.get(name) as ServiceAction, await engine.imageId?.(imageRef));
        actions.set(name, action);
        return prepareServiceContainer({
          engine,
          action,
          spec: specs.get(name) as ContainerSpec,
          bindings: portPlan.bindings.filter((b) => b.service === name),
          ports: deps.ports,
          portMemory: { project: project.name, stateDir: req.stateDir, strict: req.strictPorts },
          renewAnonymousVolumes: rebuild.has(name),
          onEvent,
          onCreated: (cid) => {
            createdThisRun.push(cid);
            createdFor.set(name, cid);
          },
        });
      };
      const dependenciesReady = waitForDependencies(name, service);
      try {
        // Due to start once its image is there and its dependencies are satisfied: from then on, lower-priority
        // starts wait for it. A kept container needs no engine start and holds nobody up; a recreated one is due
        // only once its old container is stopped and the new one created (at its turn), not during the stop.
        const planned = actions.get(name)?.kind;
        if (planned === 'create' || planned === 'start') {
          void Promise.all([imageFor(name), dependenciesReady]).then(() => startOrder.markDue(name), () => undefined);
        }
        // A container kept as it is (running, unchanged) is not started again, so it does not wait for its
        // dependencies; the final readiness pass still checks them. Anything else waits, failing as soon as one fails.
        let prepared: PreparedContainer;
        if (planned === 'keep') {
          dependenciesReady.catch(() => undefined);
          prepared = await prepare();
          if (actions.get(name)?.kind !== 'keep') await dependenciesReady; // its image changed: it is recreated
        } else {
          [prepared] = await Promise.all([prepare(), dependenciesReady]);
        }
        const action = actions.get(name) as ServiceAction;
        if (action.kind !== 'keep') await startOrder.turn(name, signal);
        const id = await prepared.start();
        containerIds.set(name, id);
        // Its final readiness is asked from now on, not after the last service has started.
        void readinessWaits.waitFor(name, id, finalCondition(project, name)).catch(() => undefined);
        if (action.kind === 'keep' || action.kind === 'start') onEvent({ type: 'service', service: name, phase: 'running' });
      } finally {
        startOrder.finish(name);
      }
    },
  });

  // Like `docker compose up --wait`: return once every selected service is ready (or has completed, for one-shots).
  const readiness = new Map<string, WaitResult>();
  if (!signal.aborted) {
    await Promise.all(
      selected
        .filter((n) => containerIds.has(n))
        .map(async (n) => {
          const seen = await readinessWaits.confirm(n, containerIds.get(n) as string, finalCondition(project, n));
          const r = completedOneShot(project.services[n] as ServiceConfig, seen) ?? seen;
          readiness.set(n, r);
          if (r.ok) onEvent({ type: 'service', service: n, phase: 'ready', detail: r.probe });
          else failures.set(n, r);
        }),
    );
  }

  if (req.signal.aborted) {
    await stopStartedContainers(engine, createdThisRun, onEvent);
    throw new DevstackError('interrupted', 'interrupted: stopped the containers this run had started');
  }

  const failed = [
    ...new Set([
      ...outcomes.filter((o) => o.status === 'failed' && !(o.error instanceof DependencyNotReady)).map((o) => o.service),
      ...failures.keys(),
    ]),
  ];
  if (failed.length > 0) {
    const root = failed.find((c) => !failed.some((o) => o !== c && graph.transitiveDependentsOf(o).includes(c))) ?? (failed[0] as string);
    const walkError = outcomes.find((o) => o.service === root && o.status === 'failed');
    const cause = failures.get(root) ?? (walkError && 'error' in walkError ? walkError.error : undefined);
    for (const n of failed) onEvent({ type: 'service', service: n, phase: 'failed' });
    const notStarted = selected.filter((n) => !containerIds.has(n));
    for (const n of notStarted) onEvent({ type: 'service', service: n, phase: 'skipped' });
    const containerId = containerIds.get(root) ?? createdFor.get(root);
    throw await serviceFailure(
      { engine, service: root, ...(containerId ? { containerId } : {}), waiting: graph.transitiveDependentsOf(root).filter((n) => notStarted.includes(n)) },
      cause,
    );
  }

  const published = new Map(
    await Promise.all(
      [...containerIds].map(async ([n, id]) => [n, (await engine.inspectContainer(id)).ports] as const),
    ),
  );
  return {
    project: project.name,
    services: selected.map((n) => {
      const r = readiness.get(n);
      const planned = portPlan.bindings.filter((b) => b.service === n);
      return {
        service: n,
        container: specs.get(n)?.request.name ?? n,
        action: (actions.get(n) as ServiceAction).kind,
        probe: r?.probe ?? 'running',
        readyAfterMs: r?.elapsedMs ?? 0,
        // What the engine published (an ephemeral port is only known now), with what was declared.
        ports: (published.get(n) ?? []).map((p) => {
          const declared = planned.find((b) => b.containerPort === p.containerPort && b.protocol === p.protocol)?.declaredHostPort;
          return { service: n, ...p, ...(declared !== undefined ? { declaredHostPort: declared } : {}) };
        }),
      };
    }),
    remaps: portPlan.remaps,
    elapsedMs: Date.now() - started,
  };
}

/**
 * A service without a restart policy that exited 0 has done its job (a seed or migration step nobody waits on):
 * `up` succeeds. docker compose's `up --wait` fails it (docker/compose#10596); a non-zero exit still fails.
 */
function completedOneShot(service: ServiceConfig, r: WaitResult): WaitResult | undefined {
  if (r.ok || r.reason !== 'exited' || r.exitCode !== 0) return undefined;
  if (service.restart !== undefined && service.restart !== 'no') return undefined;
  return { ok: true, probe: 'exited 0 (one-shot)', elapsedMs: r.elapsedMs, attempts: 0 };
}

async function stopStartedContainers(engine: Engine, ids: string[], onEvent: EventSink): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      try {
        await engine.stopContainer(id, INTERRUPT_STOP_TIMEOUT_S);
        onEvent({ type: 'notice', level: 'info', message: `stopped container ${id.slice(0, 12)} (started by this run)` });
      } catch {
        // Already gone.
      }
    }),
  );
}

/** A dependent's visit ends this way when a dependency it requires did not become ready. */
class DependencyNotReady extends Error {
  constructor(readonly dependency: string) {
    super(`${dependency} did not become ready`);
  }
}
