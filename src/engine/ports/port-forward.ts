// `devstack forward`: a published port of a remote engine brought to the same port on this host's loopback, so
// `DATABASE_URL=…@127.0.0.1:5437` works as with a local engine. It goes the way readiness probes go (probe-route.ts):
// over ssh, the engine's own channel (`ssh -W` to the port on the engine host, loopback-only publishes included);
// for a tcp engine, a plain relay to the engine host's address for a port published on all its addresses, and
// otherwise (devstack's default there, the engine host's 127.0.0.1) a relay exec'd in the service's container to
// its container port, one exec per connection.
import net from 'node:net';
import type { EngineReachPort, ExecPort, PortRelay, RelayListenOptions } from '../../core/engine.js';
import { routeProbe } from '../probes/probe-route.js';
import { listenLoopbackRelay } from './loopback-relay.js';

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

/** One published port of a running container, as `devstack ports` gives it. */
export interface ForwardTarget {
  container: string;
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

export type ForwardOutcome =
  | { ok: true; relay: PortRelay; samePort: boolean; via: string }
  | { ok: false; reason: string };

type ForwardEngine = EngineReachPort & Partial<Pick<ExecPort, 'openExecStream'>>;

/** Forwards the target to 127.0.0.1:hostPort here, or to a free port when that one is taken here. */
export async function forwardPublishedPort(engine: ForwardEngine, target: ForwardTarget): Promise<ForwardOutcome> {
  if (engine.location?.kind !== 'remote') return { ok: false, reason: 'the engine runs on this host: the port is already here' };
  const onEngineHost = { host: WILDCARDS.has(target.hostIp) ? '127.0.0.1' : target.hostIp.replace(/^\[(.*)\]$/, '$1'), port: target.hostPort };
  const published = { containerPort: target.containerPort, protocol: 'tcp' as const, hostIp: target.hostIp, hostPort: target.hostPort };
  const route = routeProbe(engine, { id: target.container, ports: [published] }, target.containerPort, onEngineHost);
  if (route.kind === 'unreachable') return { ok: false, reason: route.reason };
  const via = route.kind === 'direct' ? 'tcp' : route.via === 'exec' ? 'exec in the container' : route.via;
  const open = (localPort: number): Promise<PortRelay> => {
    const listen: RelayListenOptions = { localPort, keepAlive: true };
    if (route.kind === 'relay') return route.open(listen);
    const { host, port } = route.endpoint;
    return listenLoopbackRelay(listen.localPort ?? 0, () => net.connect({ host, port }), listen);
  };
  try {
    return { ok: true, relay: await open(target.hostPort), samePort: true, via };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    return { ok: true, relay: await open(0), samePort: false, via };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
