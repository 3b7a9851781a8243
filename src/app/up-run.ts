// One `up` run once it is planned, as steps that read in order: `visit` each service (image, container, start, in
// the walk's order), `confirm` that every one is ready, `blame` the root failure if some are not, and `result`.
// The run holds what the steps share: the containers started, the actions taken and why services failed.
import type { ContainerSpec } from '../core/container-spec.js';
import { recreateIfImageChanged, type ServiceAction } from '../core/convergence-plan.js';
import type { DevstackError } from '../core/errors.js';
import type { DependencyGraph, WalkOutcome } from '../core/graph.js';
import type { HostPortPlan } from '../core/host-port-plan.js';
import type { ServiceConfig } from '../core/model.js';
import { startPriorities } from '../core/start-priority.js';
import type { WaitCondition, WaitResult } from '../core/service-wait.js';
import { prepareServiceContainer, type PreparedContainer } from './apply-service-action.js';
import { otherHostPorts, replicaBindings } from './plan-up.js';
import { ensureServiceImage } from './images.js';
import { finalCondition, ReadinessWaits } from './readiness-waits.js';
import { serviceFailure } from './service-failure.js';
import { StartOrder } from './start-order.js';
import type { UpDeps, UpRequest, UpServiceResult } from './up.js';

export interface UpRunInput {
  req: UpRequest;
  deps: UpDeps;
  graph: DependencyGraph;
  selected: string[];
  portPlan: HostPortPlan;
  /** Per service, one entry per replica (replica 1 first). */
  specs: Map<string, ContainerSpec[]>;
  actions: Map<string, ServiceAction[]>;
  /** Services whose image is built and container recreated with fresh anonymous volumes (watch's rebuild rule). */
  rebuild: ReadonlySet<string>;
  /** When the whole `up` must be done (epoch ms), and the signal that fires then or on Ctrl-C. */
  deadline: number;
  signal: AbortSignal;
  /** A remote engine: fills the project volumes that stand in for the service's bind mounts, before its create. */
  fillBindVolumes?: (service: string, imageRef: string) => Promise<void>;
  /** A remote engine: copies the service's bind-mounted single files into its container, before it starts. */
  putBindFiles?: (service: string, containerId: string) => Promise<void>;
}

export class UpRun {
  /** The running containers of each service visited so far, replica 1 first (a service with `scale: 0` has none). */
  readonly containerIds = new Map<string, string[]>();
  /** Every container this run created (Ctrl-C stops them). */
  readonly createdThisRun: string[] = [];
  /** The last container created for a service, even if it then failed to start (its logs explain why). */
  private readonly createdFor = new Map<string, string>();
  /** Why a service failed to become ready (the waiter's verdict), by service. */
  readonly failures = new Map<string, unknown>();
  /** Which replica of a scaled service failed (its container id and `service-n`), for the report. */
  private readonly failedReplica = new Map<string, { id: string; number: number }>();
  /** The final readiness of each service, once confirmed. */
  readonly readiness = new Map<string, WaitResult>();
  private readonly images = new Map<string, Promise<string>>();
  /** Per service, the remote engine's stand-in volumes for its bind mounts, filled once before any replica's create. */
  private readonly filled = new Map<string, Promise<void>>();
  private readonly readinessWaits: ReadinessWaits;
  private readonly startOrder: StartOrder;

  constructor(private readonly input: UpRunInput) {
    const { req, deps, graph, selected, deadline } = input;
    this.readinessWaits = new ReadinessWaits({ engine: deps.engine, project: req.project, waitForService: deps.waitForService, signal: req.signal, deadline, onEvent: req.onEvent });
    const priorities = startPriorities(graph, req.project.services, selected);
    this.startOrder = new StartOrder((n) => priorities.get(n) ?? 0);
  }

  private service(name: string): ServiceConfig {
    return this.input.req.project.services[name] as ServiceConfig;
  }

  /** Starts building or pulling every selected image now, builds first, so they overlap with starting others. */
  prepareImages(): void {
    const { req, selected } = this.input;
    const buildsFirst = [...selected].sort((a, b) => Number(!!req.project.services[b]?.build) - Number(!!req.project.services[a]?.build));
    for (const n of buildsFirst) this.imageFor(n).catch(() => undefined);
  }

  private imageFor(name: string): Promise<string> {
    let p = this.images.get(name);
    if (!p) {
      const { req, deps, rebuild, signal } = this.input;
      p = ensureServiceImage({ engine: deps.engine, project: req.project, service: this.service(name), forceBuild: req.build || rebuild.has(name), signal, onEvent: req.onEvent });
      this.images.set(name, p);
    }
    return p;
  }

  /** Every replica of the service meets the condition (as compose waits for all of a dependency's containers). */
  private async waitFor(name: string, condition: WaitCondition): Promise<WaitResult> {
    return this.allReplicas(name, (id) => this.readinessWaits.waitFor(name, id, condition));
  }

  /** Asks `check` of each replica; the answer is the first failing replica's (remembered for the report), else replica 1's. */
  private async allReplicas(name: string, check: (id: string) => Promise<WaitResult>): Promise<WaitResult> {
    const ids = this.containerIds.get(name) ?? [];
    const results = await Promise.all(ids.map(check));
    const bad = results.findIndex((r) => !r.ok);
    if (bad >= 0 && ids.length > 1) this.failedReplica.set(name, { id: ids[bad] as string, number: bad + 1 });
    return results[bad >= 0 ? bad : 0] as WaitResult;
  }

  /** Waits for the dependencies the service names; fails as soon as a required one is not ready. */
  private async waitForDependencies(name: string): Promise<void> {
    const results = await Promise.all(
      Object.entries(this.service(name).dependsOn)
        .filter(([dep]) => this.containerIds.has(dep))
        .map(async ([dep, d]) => ({ dep, d, result: await this.waitFor(dep, d.condition) })),
    );
    for (const { dep, d, result } of results) {
      if (result.ok) continue;
      if (!d.required) {
        this.input.req.onEvent({ type: 'notice', level: 'warn', service: name, message: `${name}: optional dependency ${dep} is not ready (${result.reason}); starting anyway` });
        continue;
      }
      this.failures.set(dep, result);
      throw new DependencyNotReady(dep);
    }
  }

  private bindVolumesFilled(name: string, imageRef: string): Promise<void> {
    const fill = this.input.fillBindVolumes;
    if (!fill) return Promise.resolve();
    let p = this.filled.get(name);
    if (!p) {
      p = fill(name, imageRef);
      this.filled.set(name, p);
    }
    return p;
  }

  /** While its dependencies become ready: its image is built or pulled and its container created. */
  private async prepare(name: string, index: number): Promise<PreparedContainer> {
    const { req, deps, portPlan, specs, actions, rebuild, putBindFiles } = this.input;
    const imageRef = await this.imageFor(name);
    await this.bindVolumesFilled(name, imageRef);
    const replicas = actions.get(name) as ServiceAction[];
    const action = recreateIfImageChanged(replicas[index] as ServiceAction, await deps.engine.imageId(imageRef));
    replicas[index] = action;
    return prepareServiceContainer({
      engine: deps.engine,
      action,
      spec: (specs.get(name) as ContainerSpec[])[index] as ContainerSpec,
      bindings: replicaBindings(portPlan.bindings, name, action.replica),
      ports: deps.ports,
      portMemory: { project: req.project.name, stateDir: req.stateDir, strict: req.strictPorts },
      renewAnonymousVolumes: rebuild.has(name),
      ...(replicas.length > 1 ? { replica: action.replica } : {}),
      reservedHostPorts: otherHostPorts(portPlan.bindings, name, action.replica),
      location: this.service(name).source,
      volumes: this.service(name).volumes,
      onEvent: req.onEvent,
      ...(putBindFiles ? { copyIn: (cid: string) => putBindFiles(name, cid) } : {}),
      onCreated: (cid) => {
        this.createdThisRun.push(cid);
        this.createdFor.set(name, cid);
      },
    });
  }

  /**
   * Step 1, once per service in the walk's order: image, containers, their turn to start, start. The replicas of a
   * scaled service go in parallel, each as a single container would.
   */
  async visit(name: string): Promise<void> {
    const { actions } = this.input;
    const replicas = actions.get(name) ?? [];
    const dependenciesReady = this.waitForDependencies(name);
    dependenciesReady.catch(() => undefined); // awaited below by the replicas that wait; a kept one does not
    try {
      // Due to start once its image is there and its dependencies are satisfied: from then on, lower-priority
      // starts wait for it. A kept container needs no engine start and holds nobody up; a recreated one is due
      // only once its old container is stopped and the new one created (at its turn), not during the stop.
      if (replicas.some((a) => a.kind === 'create' || a.kind === 'start')) {
        void Promise.all([this.imageFor(name), dependenciesReady]).then(() => this.startOrder.markDue(name), () => undefined);
      }
      const settled = await Promise.allSettled(replicas.map((_, i) => this.visitReplica(name, i, dependenciesReady)));
      const started = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      if (started.length > 0) this.containerIds.set(name, started);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      this.startOrder.finish(name);
    }
  }

  private async visitReplica(name: string, index: number, dependenciesReady: Promise<void>): Promise<string> {
    const { req, actions, signal } = this.input;
    const current = () => (actions.get(name) as ServiceAction[])[index] as ServiceAction;
    // A container kept as it is (running, unchanged) is not started again, so it does not wait for its
    // dependencies; the final readiness pass still checks them. Anything else waits, failing as soon as one fails.
    let prepared: PreparedContainer;
    if (current().kind === 'keep') {
      prepared = await this.prepare(name, index);
      if (current().kind !== 'keep') await dependenciesReady; // its image changed: it is recreated
    } else {
      [prepared] = await Promise.all([this.prepare(name, index), dependenciesReady]);
    }
    const action = current();
    if (action.kind !== 'keep') await this.startOrder.turn(name, signal);
    const id = await prepared.start();
    // Its final readiness is asked from now on, not after the last service has started.
    void this.readinessWaits.waitFor(name, id, finalCondition(req.project, name)).catch(() => undefined);
    const several = (actions.get(name) ?? []).length > 1;
    if (action.kind === 'keep' || action.kind === 'start') req.onEvent({ type: 'service', service: name, ...(several ? { replica: action.replica } : {}), phase: 'running' });
    return id;
  }

  /** Step 2, like `docker compose up --wait`: every started service ready (or completed, for one-shots)? */
  async confirm(): Promise<void> {
    const { req, selected } = this.input;
    await Promise.all(
      selected
        .filter((n) => this.containerIds.has(n))
        .map(async (n) => {
          const r = await this.allReplicas(n, async (id) => {
            const seen = await this.readinessWaits.confirm(n, id, finalCondition(req.project, n));
            return completedOneShot(this.service(n), seen) ?? seen;
          });
          this.readiness.set(n, r);
          if (r.ok) req.onEvent({ type: 'service', service: n, phase: 'ready', detail: r.probe });
          else this.failures.set(n, r);
        }),
    );
  }

  /**
   * Step 3: when something failed, the error to report — about the root failure (one no other failed service
   * leads to), with its log lines and who waited on it. The failed and the never-started are announced.
   */
  async blame(outcomes: WalkOutcome[]): Promise<DevstackError | undefined> {
    const { req, deps, graph, selected } = this.input;
    const failed = [
      ...new Set([
        ...outcomes.filter((o) => o.status === 'failed' && !(o.error instanceof DependencyNotReady)).map((o) => o.service),
        ...this.failures.keys(),
      ]),
    ];
    if (failed.length === 0) return undefined;
    const root = failed.find((c) => !failed.some((o) => o !== c && graph.transitiveDependentsOf(o).includes(c))) ?? (failed[0] as string);
    const walkError = outcomes.find((o) => o.service === root && o.status === 'failed');
    const cause = this.failures.get(root) ?? (walkError && 'error' in walkError ? walkError.error : undefined);
    for (const n of failed) {
      const number = this.failedReplica.get(n)?.number;
      req.onEvent({ type: 'service', service: n, ...(number !== undefined ? { replica: number } : {}), phase: 'failed' });
    }
    const notStarted = selected.filter((n) => !this.containerIds.has(n));
    for (const n of notStarted) req.onEvent({ type: 'service', service: n, phase: 'skipped' });
    const replica = this.failedReplica.get(root);
    const containerId = replica?.id ?? this.containerIds.get(root)?.[0] ?? this.createdFor.get(root);
    return serviceFailure(
      { engine: deps.engine, service: root, ...(replica ? { replica: `${root}-${replica.number}` } : {}), ...(containerId ? { containerId } : {}), waiting: graph.transitiveDependentsOf(root).filter((n) => notStarted.includes(n)) },
      cause,
    );
  }

  /** Step 4: each selected service with what was done, how it became ready and what the engine published. */
  async result(): Promise<UpServiceResult[]> {
    const { deps, selected, portPlan, specs, actions } = this.input;
    const published = new Map(
      await Promise.all(
        [...this.containerIds].map(async ([n, ids]) => [n, (await Promise.all(ids.map(async (id) => (await deps.engine.inspectContainer(id)).ports)))] as const),
      ),
    );
    return selected.map((n) => {
      const r = this.readiness.get(n);
      const replicas = specs.get(n) ?? [];
      const done = actions.get(n) ?? [];
      return {
        service: n,
        container: replicas[0]?.request.name ?? n,
        ...(replicas.length === 1 ? {} : { replicas: replicas.map((spec) => spec.request.name) }),
        action: done.find((a) => a.kind !== 'keep')?.kind ?? done[0]?.kind ?? 'keep',
        probe: r?.probe ?? (replicas.length === 0 ? 'scale 0' : 'running'),
        readyAfterMs: r?.elapsedMs ?? 0,
        // What the engine published (an ephemeral port is only known now), with what was declared.
        ports: (published.get(n) ?? []).flatMap((ports, i) => {
          const planned = replicaBindings(portPlan.bindings, n, i + 1);
          return ports.map((p) => {
            const declared = planned.find((b) => b.containerPort === p.containerPort && b.protocol === p.protocol)?.declaredHostPort;
            return { service: n, ...(replicas.length > 1 ? { replica: i + 1 } : {}), ...p, ...(declared !== undefined ? { declaredHostPort: declared } : {}) };
          });
        }),
      };
    });
  }
}

/**
 * A service without a restart policy that exited 0 has done its job (a seed or migration step nobody waits on):
 * `up` succeeds. docker compose's `up --wait` fails it (docker/compose#10596); a non-zero exit still fails.
 */
export function completedOneShot(service: ServiceConfig, r: WaitResult): WaitResult | undefined {
  if (r.ok || r.reason !== 'exited' || r.exitCode !== 0) return undefined;
  if (service.restart !== undefined && service.restart !== 'no') return undefined;
  return { ok: true, probe: 'exited 0 (one-shot)', elapsedMs: r.elapsedMs, attempts: 0 };
}

/** A dependent's visit ends this way when a dependency it requires did not become ready. */
export class DependencyNotReady extends Error {
  constructor(readonly dependency: string) {
    super(`${dependency} did not become ready`);
  }
}
