// Healthcheck is ready when the engine reports the container healthy. The state comes from a
// ContainerWatch (one inspect at start, then `health_status` events): no polling of our own.
import type { ContainerStateSource } from './container-watch.js';
import { notReady, READY, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export function createHealthcheckProbe(container: ContainerStateSource): ReadinessProbe {
  return {
    description: 'engine healthcheck',
    async attempt(_signal: AbortSignal): Promise<ProbeOutcome> {
      const { health } = container.current;
      switch (health) {
        case 'healthy':
          return READY;
        case 'unhealthy':
          return { ready: false, fatal: true, reason: 'the engine reports the container unhealthy' };
        case 'none':
          return {
            ready: false,
            fatal: true,
            reason: 'the container has no healthcheck (declare one, or set x-devstack.ready)',
          };
        case 'starting':
          return notReady('healthcheck has not passed yet');
      }
    },
  };
}
