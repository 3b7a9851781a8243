// How a probe reaches a service when the engine is not on this host. The endpoint resolveProbeEndpoint gives is
// right *on the engine host* (its 127.0.0.1 for a published port, or the container's bridge IP); from here:
//   - local engine: dial it as is;
//   - ssh engine: relay through ssh to that same address on the engine host (works for loopback-only publishes
//     and container IPs alike, and needs no port open to the network);
//   - tcp engine: dial the engine host's address when the port is published on all its addresses; otherwise
//     relay through a process exec'd in the container (exec-relay.ts); an engine without exec: say so.
// `devstack forward` takes the same route, with its relay listening at a port of its choice (port-forward.ts).
import type { ContainerDetails, EngineReachPort, ExecPort, PortRelay, RelayListenOptions } from '../../core/engine.js';
import { openExecRelay } from './exec-relay.js';
import { formatEndpoint, type ProbeEndpoint, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export type ProbeRoute =
  | { kind: 'direct'; endpoint: ProbeEndpoint }
  | { kind: 'relay'; target: ProbeEndpoint; via: string; where: string; open: (listen?: RelayListenOptions) => Promise<PortRelay> }
  | { kind: 'unreachable'; reason: string };

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * `openExecStream` is optional here although every Engine has one: the route is decided from what it is given, and
 * without one a loopback-only port on a tcp engine is answered `unreachable`, saying how to fix it.
 */
export function routeProbe(
  engine: EngineReachPort & Partial<Pick<ExecPort, 'openExecStream'>>,
  details: Pick<ContainerDetails, 'id' | 'ports'>,
  containerPort: number,
  endpoint: ProbeEndpoint,
): ProbeRoute {
  const location = engine.location;
  if (location?.kind !== 'remote') return { kind: 'direct', endpoint };
  const openRelay = engine.openPortRelay?.bind(engine);
  if (openRelay) {
    return { kind: 'relay', target: endpoint, via: location.via, where: `on the engine host, through ${location.via}`, open: (listen) => openRelay(endpoint.host, endpoint.port, listen) };
  }
  const published = details.ports.find((p) => p.containerPort === containerPort && p.protocol === 'tcp' && p.hostPort === endpoint.port);
  // On all its addresses, or on the very address this host dials it at.
  if (published && (WILDCARDS.has(published.hostIp) || published.hostIp === location.host)) return { kind: 'direct', endpoint: { host: location.host, port: endpoint.port } };
  // Only on the engine host: ask from inside the container, over the engine's API connection.
  const openExecStream = engine.openExecStream?.bind(engine);
  if (openExecStream) {
    return { kind: 'relay', target: { host: '127.0.0.1', port: containerPort }, via: 'exec', where: 'inside the container, through an exec', open: (listen) => openExecRelay({ openExecStream }, details.id, containerPort, listen) };
  }
  const where = published ? `published on ${published.hostIp}:${published.hostPort} of the engine host` : `not published (container address ${formatEndpoint(endpoint)})`;
  return {
    kind: 'unreachable',
    reason: `port ${containerPort} is ${where} ${location.host}, which this host cannot reach; publish it on all addresses ("0.0.0.0:${endpoint.port}:${containerPort}") or reach the engine over ssh://`,
  };
}

/** A probe asked through a relay opened on first use; its description names the address on the engine host. */
export function relayedProbe(route: Extract<ProbeRoute, { kind: 'relay' }>, build: (endpoint: ProbeEndpoint) => ReadinessProbe): ReadinessProbe {
  let relay: Promise<PortRelay> | undefined;
  let inner: ReadinessProbe | undefined;
  const description = `${build(route.target).description} ${route.where}`;
  return {
    description,
    async attempt(signal: AbortSignal): Promise<ProbeOutcome> {
      relay ??= route.open();
      let opened: PortRelay;
      try {
        opened = await relay;
      } catch (error) {
        relay = undefined;
        return { ready: false, reason: `relay through ${route.via}: ${error instanceof Error ? error.message : String(error)}` };
      }
      inner ??= build({ host: opened.host, port: opened.port });
      return inner.attempt(signal);
    },
    async close(): Promise<void> {
      await inner?.close?.();
      if (relay) await (await relay.catch(() => undefined))?.close();
    },
  };
}
