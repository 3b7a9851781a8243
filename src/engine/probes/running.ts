// Running is ready when the engine says the container runs (compose's `service_started`). Standing in for
// "healthy" (no probe, no healthcheck), it also asks that the container has stayed up a moment since it started:
// a process that exits at once (a failed migration, a crash on boot) is then a failure, not a short-lived "ready".
import type { ContainerStateSource } from './container-watch.js';
import { notReady, READY, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export function createRunningProbe(container: ContainerStateSource, stayedUp?: { startedAt: string; ms: number }): ReadinessProbe {
  const since = stayedUp ? Date.parse(stayedUp.startedAt) : NaN;
  return {
    description: 'container running',
    async attempt(_signal: AbortSignal): Promise<ProbeOutcome> {
      const { status } = container.current;
      if (status !== 'running') return notReady(`container is ${status}`);
      if (stayedUp && Number.isFinite(since) && Date.now() - since < stayedUp.ms) return notReady(`started ${Date.now() - since} ms ago`);
      return READY;
    },
  };
}
