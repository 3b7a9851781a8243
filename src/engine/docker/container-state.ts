// Engine API container listings and inspections → devstack's ContainerInfo / ContainerDetails.
import type Dockerode from 'dockerode';
import type { ContainerDetails, ContainerInfo, ContainerStatus, HealthStatus, PublishedPort } from '../../core/engine.js';

const STATUSES: ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const HEALTH: HealthStatus[] = ['starting', 'healthy', 'unhealthy'];
const NEVER = '0001-01-01T00:00:00Z';

export function toStatus(state: string | undefined): ContainerStatus {
  const s = (state ?? '').toLowerCase() as ContainerStatus;
  return STATUSES.includes(s) ? s : 'dead';
}

function toProtocol(type: string | undefined): 'tcp' | 'udp' {
  return type === 'udp' ? 'udp' : 'tcp';
}

/** Published ports of a listed container (GET /containers/json `Ports`); unpublished ones left out. */
export function listedPorts(ports: Dockerode.Port[] | undefined): PublishedPort[] {
  return (ports ?? [])
    .filter((p) => typeof p.PublicPort === 'number' && p.PublicPort > 0)
    .map((p) => ({ containerPort: p.PrivatePort, protocol: toProtocol(p.Type), hostIp: p.IP ?? '', hostPort: p.PublicPort }));
}

/** Published ports of an inspected container (NetworkSettings.Ports: {"6379/tcp": [{HostIp, HostPort}] | null}). */
export function inspectedPorts(ports: Record<string, { HostIp: string; HostPort: string }[] | null> | undefined): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of bindings ?? []) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      out.push({ containerPort: Number(port), protocol: toProtocol(proto), hostIp: b.HostIp ?? '', hostPort });
    }
  }
  return out;
}

export function envToMap(env: string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env ?? []) {
    const eq = entry.indexOf('=');
    if (eq < 0) out[entry] = '';
    else out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

/** createdAt is in milliseconds since the epoch (the list gives seconds). */
export function toContainerInfo(c: Dockerode.ContainerInfo): ContainerInfo {
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    image: c.Image,
    status: toStatus(c.State),
    labels: c.Labels ?? {},
    ports: listedPorts(c.Ports),
    createdAt: c.Created * 1000,
    imageId: c.ImageID,
  };
}

interface InspectHealth {
  Status?: string;
  Log?: { Start?: string; End?: string; ExitCode?: number; Output?: string }[] | null;
}

export function toContainerDetails(c: Dockerode.ContainerInspectInfo): ContainerDetails {
  const state = c.State as Dockerode.ContainerInspectInfo['State'] & { Health?: InspectHealth };
  const status = toStatus(state.Status);
  const health = state.Health;
  const healthStatus = HEALTH.find((h) => h === health?.Status) ?? 'none';
  const everFinished = state.FinishedAt !== undefined && state.FinishedAt !== '' && state.FinishedAt !== NEVER;
  const networks: ContainerDetails['networks'] = {};
  for (const [name, n] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    networks[name] = { ipAddress: n.IPAddress ?? '', aliases: n.Aliases ?? [] };
  }
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    image: c.Config.Image,
    status,
    labels: c.Config.Labels ?? {},
    ports: inspectedPorts(c.NetworkSettings?.Ports as Record<string, { HostIp: string; HostPort: string }[] | null>),
    createdAt: Date.parse(c.Created),
    health: healthStatus,
    healthLog: (health?.Log ?? []).map((l) => ({ exitCode: l.ExitCode ?? -1, output: l.Output ?? '', at: l.Start ?? '' })),
    exitCode: status === 'running' || status === 'paused' || !everFinished ? null : state.ExitCode,
    startedAt: state.StartedAt,
    finishedAt: state.FinishedAt,
    restartCount: c.RestartCount ?? 0,
    tty: c.Config.Tty,
    networks,
    env: envToMap(c.Config.Env),
    oomKilled: state.OOMKilled,
    error: state.Error ?? '',
    imageId: c.Image,
    mounts: (c.Mounts ?? []).map((m) => ({
      type: m.Type,
      ...(m.Name ? { name: m.Name } : {}),
      source: m.Source,
      target: m.Destination,
    })),
  };
}
