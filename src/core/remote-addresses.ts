// Addresses that work from this host when the engine is remote (`ports`, `env`). A port published on all of a
// tcp engine's addresses is reached at the engine host's address; anything else sits on the engine host's own
// loopback, which `devstack forward` brings to the same port here (through ssh, or an exec in the container).
import type { EngineLocation, PublishedPort } from './engine.js';

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

export function publishedFromHere(location: EngineLocation | undefined, port: PublishedPort): PublishedPort {
  if (location?.kind !== 'remote' || location.via !== 'tcp' || !WILDCARDS.has(port.hostIp)) return port;
  return { ...port, hostIp: location.host };
}

/** One line for a remote engine whose loopback addresses need `devstack forward`; undefined when none do. */
export function forwardNote(location: EngineLocation | undefined, ports: PublishedPort[]): string | undefined {
  if (location?.kind !== 'remote') return undefined;
  // Ports given as publishedFromHere made them (the engine host's address) or as published (a wildcard) are reachable.
  const reachable = (p: PublishedPort) => WILDCARDS.has(p.hostIp) || p.hostIp === location.host;
  const onEngineLoopback = ports.filter((p) => p.hostPort > 0 && (location.via === 'ssh' || !reachable(p)));
  if (onEngineLoopback.length === 0) return undefined;
  return `the engine runs on ${location.host}: these 127.0.0.1 addresses answer here while \`devstack forward\` runs`;
}
