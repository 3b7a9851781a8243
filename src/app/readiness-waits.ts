// One wait per (service, condition) for the whole `up`: a dependency several services wait on is probed once.
// The final "is everything ready" pass asks afresh: a service seen running earlier may have died since.
import type { Engine } from '../core/engine.js';
import type { EventSink } from '../core/events.js';
import type { Project, ServiceConfig } from '../core/model.js';
import type { WaitCondition, WaitForService, WaitResult } from '../core/service-wait.js';

export class ReadinessWaits {
  private readonly waits = new Map<string, Promise<WaitResult>>();

  constructor(
    private readonly opts: {
      engine: Engine;
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
    const key = `${name}/${condition}`;
    let pending = opts.fresh ? undefined : this.waits.get(key);
    if (!pending) {
      const { engine, project, onEvent } = this.opts;
      const service = project.services[name] as ServiceConfig;
      if (condition !== 'service_started' && !this.waits.has(key)) onEvent({ type: 'service', service: name, phase: 'wait' });
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
    }
    return pending;
  }
}

/** What "ready" means for a service at the end of `up`: completed for a one-shot others wait on, else healthy. */
export function finalCondition(project: Project, name: string): WaitCondition {
  const completedByDependents = Object.values(project.services).some(
    (s) => s.dependsOn[name]?.condition === 'service_completed_successfully',
  );
  return completedByDependents ? 'service_completed_successfully' : 'service_healthy';
}
