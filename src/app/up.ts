// `devstack up`: build/pull, create and start the services in dependency order, wait until each is ready.
// Here the run is planned (ports, networks and volumes, what to do per service); UpRun carries it out.
import type { ServiceAction } from '../core/convergence-plan.js';
import { bindMountWarning, findBindMountProblems, type BindMountFacts } from './bind-mount-check.js';
import type { ContainerLifecyclePort, ContainerPort, EngineReachPort, EventsLogsPort, ExecPort, ImagePort, NetworkVolumePort } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { assertAcyclic, DependencyGraph, walkGraph } from '../core/graph.js';
import type { Project, ServiceConfig } from '../core/model.js';
import type { HostPortPlanner, PlannedBinding } from '../core/host-port-plan.js';
import type { WaitForService } from '../core/service-wait.js';
import { planUp } from './plan-up.js';
import { ensureProjectResources } from './project-resources.js';
import { selectServices } from './select-services.js';
import { UpRun } from './up-run.js';
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
  /**
   * Every role but the status one: images, containers, networks and volumes (bind folders carried into volumes on a
   * remote engine), the engine's place (ports), and what the readiness waits and failure reports read and probe.
   */
  engine: EngineReachPort & ContainerPort & ImagePort & NetworkVolumePort & ExecPort & EventsLogsPort;
  ports: HostPortPlanner;
  waitForService: WaitForService;
  /** Folder owners and Dockerfiles, for the one warning about bind-mounted folders a container user cannot use. */
  bindMounts?: BindMountFacts;
  /** Given on a remote engine: bind-mounted project folders are carried there in project volumes. */
  remoteBinds?: RemoteBindDeps;
}

export interface UpServiceResult {
  service: string;
  /** Replica 1's container (the only one, unless the service is scaled). */
  container: string;
  /** Every container of a scaled service (or none, for `scale: 0`), replica 1 first. */
  replicas?: string[];
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
  if (deps.bindMounts) {
    const facts = { ...deps.bindMounts, imageUser: (ref: string) => engine.imageUser(ref) };
    const warning = bindMountWarning(await findBindMountProblems(project, services, facts));
    if (warning) onEvent({ type: 'notice', level: 'warn', message: warning });
  }

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

  const run = new UpRun({ req: carried ? { ...req, project } : req, deps, graph, selected, portPlan, specs, actions, rebuild, deadline, signal, ...(carried ? { fillBindVolumes: (name: string, imageRef: string) => carried.fill(name, imageRef), putBindFiles: (name: string, id: string) => carried.putFiles(name, id) } : {}) });
  run.prepareImages();
  const outcomes = await walkGraph(graph, { direction: 'up', only: selected, concurrency: WALK_CONCURRENCY, signal, visit: (name) => run.visit(name) });
  if (!signal.aborted) await run.confirm();
  if (req.signal.aborted) {
    await stopStartedContainers(engine, run.createdThisRun, onEvent);
    throw new DevstackError('interrupted', 'interrupted: stopped the containers this run had started');
  }
  const failure = await run.blame(outcomes);
  if (failure) throw failure;
  return { project: project.name, services: await run.result(), remaps: portPlan.remaps, elapsedMs: Date.now() - started };
}

async function stopStartedContainers(engine: ContainerLifecyclePort, ids: string[], onEvent: EventSink): Promise<void> {
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
