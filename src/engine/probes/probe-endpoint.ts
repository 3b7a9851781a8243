// Where a probe connects, from the host: the published host address and port when the container port
// is published, else the container's IP on its project network (Linux hosts reach bridge IPs directly).
import type { ContainerDetails } from '../../core/engine.js';
import type { ProbeEndpoint } from './probe.js';

export function resolveProbeEndpoint(details: ContainerDetails, containerPort: number, project: string): ProbeEndpoint | undefined {
  const published = details.ports
    .filter((p) => p.containerPort === containerPort && p.protocol === 'tcp' && p.hostPort > 0)
    // Docker lists 0.0.0.0 and :: for one binding; IPv4 first works on every host.
    .sort((a, b) => Number(a.hostIp.includes(':')) - Number(b.hostIp.includes(':')));
  const binding = published[0];
  if (binding) return { host: connectableHostAddress(binding.hostIp), port: binding.hostPort };

  if ('host' in details.networks) return { host: '127.0.0.1', port: containerPort };
  const networks = Object.entries(details.networks).filter(([, n]) => n.ipAddress !== '');
  const own = networks.find(([name]) => name.startsWith(`${project}_`)) ?? networks[0];
  return own ? { host: own[1].ipAddress, port: containerPort } : undefined;
}

/** A wildcard bind address is not a destination: 0.0.0.0 / '' → 127.0.0.1, :: → ::1. */
export function connectableHostAddress(hostIp: string): string {
  if (hostIp === '' || hostIp === '0.0.0.0') return '127.0.0.1';
  if (hostIp === '::' || hostIp === '[::]') return '::1';
  return hostIp.replace(/^\[(.*)\]$/, '$1');
}
