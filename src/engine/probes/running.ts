// Running is ready when the engine says the container runs (compose's `service_started`). Standing in for
// "healthy" (no probe, no healthcheck), it also asks that the container has stayed up a moment since its latest
// start: a process that exits at once (a failed migration, a crash on boot) is then a failure, not a short-lived
// "ready"; and one the engine's restart policy keeps restarting is restarting, not ready.
import type { Clock } from './clock.js';
import type { ContainerStateSource } from './container-watch.js';
import { notReady, READY, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export interface StayedUp {
  /** How long the container must have run since its latest start. */
  ms: number;
  /** …once the engine has restarted it since the wait began (it crashed at least once: a blip is not enough). */
  afterRestartMs: number;
  /** Its restart count when the wait began. */
  restartsBefore: number;
  clock: Clock;
}

export function createRunningProbe(container: ContainerStateSource, stayedUp?: StayedUp): ReadinessProbe {
  return {
    description: 'container running',
    async attempt(_signal: AbortSignal): Promise<ProbeOutcome> {
      const { status, startedAt, restartCount } = container.current;
      if (status !== 'running') return notReady(`container is ${status}`);
      if (!stayedUp || !Number.isFinite(startedAt)) return READY;
      const restarted = restartCount > stayedUp.restartsBefore;
      const upFor = stayedUp.clock.now() - startedAt;
      if (upFor >= (restarted ? stayedUp.afterRestartMs : stayedUp.ms)) return READY;
      return notReady(`${restarted ? 'restarted by the engine' : 'started'} ${Math.max(0, upFor)} ms ago`);
    },
  };
}
