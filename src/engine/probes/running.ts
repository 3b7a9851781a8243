// Running is ready as soon as the engine says the container runs (compose's `service_started`).
import type { ContainerStateSource } from './container-watch.js';
import { notReady, READY, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export function createRunningProbe(container: ContainerStateSource): ReadinessProbe {
  return {
    description: 'container running',
    async attempt(_signal: AbortSignal): Promise<ProbeOutcome> {
      const { status } = container.current;
      return status === 'running' ? READY : notReady(`container is ${status}`);
    },
  };
}
