// The parts of a container request that come from the service's host keys, deploy.resources, links and
// per-network settings, resolved the way compose resolves them at create time.
import type { ContainerHostOptions, ContainerMount, ContainerNetwork } from './engine.js';
import type { Project, ServiceConfig, VolumeMount } from './model.js';

/**
 * HostOptions with deploy.resources laid over (limits win, as in compose), links and volumes_from resolved, and
 * `ipc`/`pid: service:NAME` turned into `container:<its container>`; undefined when empty.
 */
export function containerHostOptions(project: Project, service: ServiceConfig, containerNameOf: (service: string) => string): ContainerHostOptions | undefined {
  const host: ContainerHostOptions = { ...service.host };
  const limits = service.deployResources?.limits;
  const reservations = service.deployResources?.reservations;
  if (limits?.memory !== undefined) host.memLimit = limits.memory;
  if (limits?.cpus !== undefined) host.cpus = limits.cpus;
  if (limits?.pids !== undefined && limits.pids > 0) host.pidsLimit = limits.pids;
  if (reservations?.memory !== undefined) host.memReservation = reservations.memory;
  if (reservations && reservations.devices.length > 0) host.deviceRequests = reservations.devices;
  if (host.ipc?.startsWith('service:')) host.ipc = `container:${containerNameOf(host.ipc.slice('service:'.length))}`;
  if (host.pid?.startsWith('service:')) host.pid = `container:${containerNameOf(host.pid.slice('service:'.length))}`;
  const links = legacyLinks(project, service, containerNameOf);
  if (links.length > 0) host.links = links;
  const volumesFrom = (service.volumesFrom ?? []).map((entry) => volumesFromContainer(entry, containerNameOf));
  if (volumesFrom.length > 0) host.volumesFrom = volumesFrom;
  return Object.keys(host).length > 0 ? host : undefined;
}

/**
 * `links: [svc[:alias]]` → "container:alias", "container:svc-1" and "container:<project>-svc-1" (compose's three
 * names); `external_links: [name[:alias]]` → "name:alias".
 */
function legacyLinks(project: Project, service: ServiceConfig, containerNameOf: (service: string) => string): string[] {
  const out: string[] = [];
  for (const link of service.links ?? []) {
    const [linked, alias] = splitOnce(link);
    const container = containerNameOf(linked);
    out.push(`${container}:${alias ?? linked}`, `${container}:${linked}-1`, `${container}:${project.name}-${linked}-1`);
  }
  for (const link of service.externalLinks ?? []) {
    const [container, alias] = splitOnce(link);
    out.push(`${container}:${alias ?? container}`);
  }
  return [...new Set(out)];
}

/** "service[:mode]" → "<its container>[:mode]"; "container:name[:mode]" → "name[:mode]". */
function volumesFromContainer(entry: string, containerNameOf: (service: string) => string): string {
  if (entry.startsWith('container:')) return entry.slice('container:'.length);
  const [service, mode] = splitOnce(entry);
  return mode === undefined ? containerNameOf(service) : `${containerNameOf(service)}:${mode}`;
}

function splitOnce(text: string): [string, string | undefined] {
  const colon = text.indexOf(':');
  return colon === -1 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
}

/** The service's networks, highest priority first, then by key (compose's NetworksByPriority). */
export function containerNetworks(project: Project, service: ServiceConfig, links: string[] | undefined): ContainerNetwork[] {
  if (service.networkMode) return [];
  const entries = Object.entries(service.networks).sort(
    ([a, na], [b, nb]) => (nb.priority ?? 0) - (na.priority ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return entries.map(([key, net]) => ({
    name: project.networks[key]?.name ?? `${project.name}_${key}`,
    aliases: [service.name, ...net.aliases],
    ...(net.ipv4Address ? { ipv4Address: net.ipv4Address } : {}),
    ...(net.ipv6Address ? { ipv6Address: net.ipv6Address } : {}),
    ...(net.linkLocalIps && net.linkLocalIps.length > 0 ? { linkLocalIps: net.linkLocalIps } : {}),
    ...(net.macAddress ? { macAddress: net.macAddress } : {}),
    ...(net.driverOpts && Object.keys(net.driverOpts).length > 0 ? { driverOpts: net.driverOpts } : {}),
    ...(links && links.length > 0 ? { links } : {}),
  }));
}

export function containerMount(project: Project, v: VolumeMount): ContainerMount {
  if (v.type === 'bind') {
    return {
      type: 'bind',
      source: v.source,
      target: v.target,
      readOnly: v.readOnly,
      ...(v.createHostPath ? { createHostPath: true } : {}),
      ...(v.propagation ? { propagation: v.propagation } : {}),
      ...(v.selinux ? { selinux: v.selinux } : {}),
    };
  }
  if (v.type === 'tmpfs') {
    return {
      type: 'tmpfs',
      target: v.target,
      readOnly: v.readOnly,
      ...(v.sizeBytes !== undefined ? { sizeBytes: v.sizeBytes } : {}),
      ...(v.mode !== undefined ? { mode: v.mode } : {}),
    };
  }
  const source = v.source === undefined ? undefined : (project.volumes[v.source]?.name ?? v.source);
  return {
    type: 'volume',
    ...(source ? { source } : {}),
    target: v.target,
    readOnly: v.readOnly,
    ...(v.noCopy ? { noCopy: true } : {}),
    ...(v.subpath ? { subpath: v.subpath } : {}),
  };
}
