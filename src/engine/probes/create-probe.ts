// From a ReadySpec and the container as inspected to the probe that asks the right question at the right address.
import type { ContainerDetails, EngineReachPort, EventsLogsPort, ExecPort } from '../../core/engine.js';
import type { ReadySpec, ServiceConfig } from '../../core/model.js';
import { defaultProbePort, postgresSettingsFromEnv } from '../../core/readiness.js';
import type { ContainerStateSource } from './container-watch.js';
import { createHealthcheckProbe } from './healthcheck.js';
import { createHttpProbe } from './http.js';
import { createLogProbe } from './log.js';
import { createPostgresProbe } from './postgres.js';
import type { ProbeEndpoint, ReadinessProbe } from './probe.js';
import { relayedProbe, routeProbe } from './probe-route.js';
import { resolveProbeEndpoint } from './probe-endpoint.js';
import { createRedisProbe } from './redis.js';
import { createRunningProbe, type StayedUp } from './running.js';
import { createTcpProbe } from './tcp.js';

export interface ProbeContext {
  /** Log lines for a log probe; how to reach the container for a network probe (a relay or an exec when remote). */
  engine: EventsLogsPort & EngineReachPort & ExecPort;
  project: string;
  service: ServiceConfig;
  containerId: string;
  /** The container as inspected after start: published ports, network IPs, environment. */
  details: ContainerDetails;
  container: ContainerStateSource;
  /** For "running" standing in for healthy: how long the container must have stayed up (undefined: started is enough). */
  stayedUp?: StayedUp;
}

/** The probe, or why none can be built yet (no address: not started, no port known). */
export function createProbe(spec: ReadySpec, ctx: ProbeContext): { probe: ReadinessProbe } | { unavailable: string; fatal: boolean } {
  switch (spec.kind) {
    case 'none':
      return { probe: createRunningProbe(ctx.container, ctx.stayedUp) };
    case 'healthcheck':
      return { probe: createHealthcheckProbe(ctx.container) };
    case 'log':
      return { probe: createLogProbe({ engine: ctx.engine, containerId: ctx.containerId, pattern: spec.pattern }) };
    default:
      break;
  }
  const port = defaultProbePort(spec, ctx.service);
  if (port === undefined) {
    return { unavailable: `no port to probe: ${ctx.service.name} neither publishes nor exposes a tcp port`, fatal: true };
  }
  const endpoint = resolveProbeEndpoint(ctx.details, port, ctx.project);
  if (!endpoint) return { unavailable: `container port ${port} has no host address yet`, fatal: false };
  // The container's own environment is what its entrypoint used; the compose model is the fallback.
  const env = { ...ctx.service.environment, ...ctx.details.env };
  const build = (at: ProbeEndpoint) => networkProbe(spec, at, env, ctx.service.name);
  // A remote engine: the address is right on the engine host; probe-route.ts says how to get there from here.
  const route = routeProbe(ctx.engine, ctx.details, port, endpoint);
  if (route.kind === 'unreachable') return { unavailable: route.reason, fatal: true };
  return { probe: route.kind === 'relay' ? relayedProbe(route, build) : build(route.endpoint) };
}

function networkProbe(spec: Extract<ReadySpec, { kind: 'postgres' | 'redis' | 'http' | 'tcp' }>, endpoint: ProbeEndpoint, env: Record<string, string>, service: string): ReadinessProbe {
  switch (spec.kind) {
    case 'postgres':
      return createPostgresProbe({ endpoint, service, ...postgresSettingsFromEnv(env) });
    case 'redis':
      return createRedisProbe({ endpoint, ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}) });
    case 'http':
      return createHttpProbe({ endpoint, path: spec.path, ...(spec.status === undefined ? {} : { status: spec.status }) });
    case 'tcp':
      return createTcpProbe({ endpoint });
  }
}
