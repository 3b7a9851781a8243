// `devstack forward`: a published port of a remote engine brought to the same port on this host's loopback, so
// `DATABASE_URL=…@127.0.0.1:5437` works as with a local engine. Over ssh (the engine's own channel: `ssh -W` to
// the port on the engine host, loopback-only publishes included); for a tcp engine, a plain relay to the engine
// host's address, which only reaches ports published on all its addresses.
import net from 'node:net';
import type { EngineReachPort, PortRelay } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import { listenLoopbackRelay } from './loopback-relay.js';

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

export type ForwardOutcome =
  | { ok: true; relay: PortRelay; samePort: boolean }
  | { ok: false; reason: string };

/** Forwards engine-host `hostIp:hostPort` to 127.0.0.1:hostPort here, or to a free port when that one is taken here. */
export async function forwardPublishedPort(engine: EngineReachPort, hostIp: string, hostPort: number): Promise<ForwardOutcome> {
  const location = engine.location;
  if (location?.kind !== 'remote') return { ok: false, reason: 'the engine runs on this host: the port is already here' };
  const onEngineHost = WILDCARDS.has(hostIp) ? '127.0.0.1' : hostIp.replace(/^\[(.*)\]$/, '$1');
  const open = (localPort: number): Promise<PortRelay> => {
    if (engine.openPortRelay) return engine.openPortRelay(onEngineHost, hostPort, { localPort, keepAlive: true });
    if (!WILDCARDS.has(hostIp)) {
      throw new DevstackError('engine', `published on ${hostIp}:${hostPort} of the engine host ${location.host}, which this host cannot reach over tcp`, {
        hint: `Publish it on all addresses ("0.0.0.0:${hostPort}:…"), or reach the engine over ssh://.`,
      });
    }
    return tcpRelay(location.host, hostPort, localPort);
  };
  try {
    return { ok: true, relay: await open(hostPort), samePort: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    return { ok: true, relay: await open(0), samePort: false };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** 127.0.0.1:localPort here → toHost:toPort, one TCP connection per accepted one. */
function tcpRelay(toHost: string, toPort: number, localPort: number): Promise<PortRelay> {
  return listenLoopbackRelay(localPort, () => net.connect({ host: toHost, port: toPort }), { keepAlive: true });
}
