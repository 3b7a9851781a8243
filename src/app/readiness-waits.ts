// One wait per (container, condition) for the whole `up`: a dependency several services wait on is probed once,
// and each replica of a scaled service is probed on its own.
// The final "is everything ready" answer re-checks: a service seen ready earlier may have died or restarted since.
import type { ContainerDetails } from '../core/engine.js';
import { isDevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { Project, ServiceConfig } from '../core/model.js';
import type { WaitCondition, WaitForService, WaitRequest, WaitResult } from '../core/service-wait.js';

export class ReadinessWaits {
  private readonly waits = new Map<string, Promise<WaitResult>>();
  /** When each wait began (epoch ms): a container started after that is not the one the wait saw. */
  private readonly began = new Map<string, number>();
  /** `service/condition` pairs whose wait was announced (once per service, whatever its replicas). */
  private readonly announced = new Set<string>();

  constructor(
    private readonly opts: {
      engine: WaitRequest['engine'];
      project: Project;
      waitForService: WaitForService;
      /** Ctrl-C. Running out of time is the waiter's own verdict ("timeout"), not an abort. */
      signal: AbortSignal;
      /** When the whole `up` must be done (epoch ms). */
      deadline: number;
      onEvent: EventSink;
    },
  ) {}

  waitFor(name: string, containerId: string, condition: WaitCondition, opts: { fresh?: boolean } = {}): Promise<WaitResult> {
    const key = `${name}/${containerId}/${condition}`;
    let pending = opts.fresh ? undefined : this.waits.get(key);
    if (!pending) {
      const { engine, project, onEvent } = this.opts;
      const service = project.services[name] as ServiceConfig;
      if (condition !== 'service_started' && !this.announced.has(`${name}/${condition}`)) onEvent({ type: 'service', service: name, phase: 'wait' });
      this.announced.add(`${name}/${condition}`);
      pending = this.opts.waitForService({
        engine,
        project: project.name,
        service,
        containerId,
        condition,
        signal: this.opts.signal,
        timeoutMs: Math.max(0, Math.min(service.devstack.timeoutMs ?? Infinity, this.opts.deadline - Date.now())),
      });
      this.waits.set(key, pending);
      this.began.set(key, Date.now());
    }
    return pending;
  }

  /**
   * The final answer for a service: its earlier wait, confirmed by one inspect showing the same container still in
   * the state that wait saw (not restarted — by hand or by its restart policy —, stopped or unhealthy since).
   * Anything else is asked afresh.
   */
  async confirm(name: string, containerId: string, condition: WaitCondition): Promise<WaitResult> {
    const earlier = await this.waitFor(name, containerId, condition);
    if (!earlier.ok) return earlier;
    const began = this.began.get(`${name}/${containerId}/${condition}`) ?? 0;
    const now = await this.opts.engine.inspectContainer(containerId).catch((error: unknown) => {
      // The engine gone is the answer to report (exit 4), not a reason to ask the service again.
      if (isDevstackError(error) && error.kind === 'engine-unreachable') throw error;
      return undefined;
    });
    const sameRun = earlier.restartCount === undefined || now?.restartCount === earlier.restartCount;
    if (now && sameRun && stillAsSeen(now, condition, began)) return earlier;
    return this.waitFor(name, containerId, condition, { fresh: true });
  }
}

function stillAsSeen(c: ContainerDetails, condition: WaitCondition, waitBegan: number): boolean {
  if (condition === 'service_completed_successfully') return c.status === 'exited' && c.exitCode === 0;
  const startedAt = Date.parse(c.startedAt);
  return c.status === 'running' && c.health !== 'unhealthy' && Number.isFinite(startedAt) && startedAt <= waitBegan;
}

/** What "ready" means for a service at the end of `up`: completed for a one-shot others wait on, else healthy. */
export function finalCondition(project: Project, name: string): WaitCondition {
  const completedByDependents = Object.values(project.services).some(
    (s) => s.dependsOn[name]?.condition === 'service_completed_successfully',
  );
  return completedByDependents ? 'service_completed_successfully' : 'service_healthy';
}
