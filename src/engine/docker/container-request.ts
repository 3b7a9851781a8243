// ContainerRequest (devstack's words) → the Engine API's POST /containers/create body.
import type Dockerode from 'dockerode';
import type { ContainerHealthcheck, ContainerHostOptions, ContainerMount, ContainerNetwork, ContainerRequest, PortBinding } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';

const NS_PER_MS = 1_000_000;

/** compose `restart:` → RestartPolicy. */
export function toRestartPolicy(value: string | undefined): { Name: string; MaximumRetryCount?: number } {
  if (value === undefined) return { Name: '' }; // unset, as compose sends it (the engine reads it as "no")
  const text = value.trim();
  if (text === 'no' || text === '' || text === '"no"') return { Name: 'no' };
  if (text === 'always' || text === 'unless-stopped') return { Name: text };
  const onFailure = /^on-failure(?::(\d+))?$/.exec(text);
  if (onFailure) {
    return onFailure[1] === undefined ? { Name: 'on-failure' } : { Name: 'on-failure', MaximumRetryCount: Number(onFailure[1]) };
  }
  throw new DevstackError('compose', `restart policy "${text}" is not one of no, always, on-failure[:N], unless-stopped`, {
    hint: 'Use restart: "no", always, on-failure, on-failure:3 or unless-stopped.',
  });
}

export function toHealthConfig(hc: ContainerHealthcheck): Dockerode.HealthConfig {
  if (hc.test.length === 1 && hc.test[0] === 'NONE') return { Test: ['NONE'] };
  const config: Dockerode.HealthConfig = { Test: hc.test };
  if (hc.intervalMs !== undefined) config.Interval = hc.intervalMs * NS_PER_MS;
  if (hc.timeoutMs !== undefined) config.Timeout = hc.timeoutMs * NS_PER_MS;
  if (hc.retries !== undefined) config.Retries = hc.retries;
  if (hc.startPeriodMs !== undefined) config.StartPeriod = hc.startPeriodMs * NS_PER_MS;
  if (hc.startIntervalMs !== undefined) config.StartInterval = hc.startIntervalMs * NS_PER_MS;
  return config;
}

/** An anonymous volume is a volume mount with an empty Source; tmpfs never has one. */
export function toMount(m: ContainerMount): Dockerode.MountSettings {
  const source = m.type === 'tmpfs' ? '' : (m.source ?? '');
  const mount: Record<string, unknown> = { Type: m.type, Source: source, Target: m.target, ReadOnly: m.readOnly };
  if (m.type === 'volume' && (m.noCopy || m.subpath)) {
    mount.VolumeOptions = { ...(m.noCopy ? { NoCopy: true } : {}), ...(m.subpath ? { Subpath: m.subpath } : {}) };
  }
  if (m.type === 'bind' && m.propagation) mount.BindOptions = { Propagation: m.propagation };
  if (m.type === 'tmpfs' && (m.sizeBytes !== undefined || m.mode !== undefined)) {
    mount.TmpfsOptions = { ...(m.sizeBytes !== undefined ? { SizeBytes: m.sizeBytes } : {}), ...(m.mode !== undefined ? { Mode: m.mode } : {}) };
  }
  return mount as unknown as Dockerode.MountSettings;
}

/**
 * Binds ("src:dst:rw") rather than the Mount API, as compose does: for a bind that may create its missing host
 * folder (only Binds does that) and has no propagation, and for an SELinux relabel (the Mount API has no field for it).
 */
function isLegacyBind(m: ContainerMount): boolean {
  return m.type === 'bind' && (m.selinux !== undefined || (m.createHostPath === true && m.propagation === undefined));
}

function toBind(m: ContainerMount): string {
  const modes = [m.readOnly ? 'ro' : 'rw', ...(m.selinux ? [m.selinux] : []), ...(m.propagation ? [m.propagation] : [])];
  return `${m.source ?? ''}:${m.target}:${modes.join(',')}`;
}

/** The HostConfig fields of the host options, named and sized as the Engine API wants them. */
export function toHostConfigOptions(h: ContainerHostOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) out[key] = value;
  };
  set('ShmSize', h.shmSize);
  set('CapAdd', h.capAdd);
  set('CapDrop', h.capDrop);
  set('Ulimits', h.ulimits && Object.entries(h.ulimits).map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard })));
  set('Tmpfs', h.tmpfs);
  set('Sysctls', h.sysctls);
  set('Memory', h.memLimit);
  set('MemorySwap', h.memswapLimit);
  set('MemoryReservation', h.memReservation);
  set('MemorySwappiness', h.memSwappiness);
  set('NanoCpus', h.cpus === undefined ? undefined : Math.round(h.cpus * 1e9));
  set('CpuShares', h.cpuShares);
  set('CpuQuota', h.cpuQuota);
  set('CpuPeriod', h.cpuPeriod);
  set('CpuRealtimeRuntime', h.cpuRtRuntime);
  set('CpuRealtimePeriod', h.cpuRtPeriod);
  set('CpusetCpus', h.cpuset);
  set('PidsLimit', h.pidsLimit);
  if (h.blkio) {
    const throttle = (list: { path: string; rate: number }[]): { Path: string; Rate: number }[] | undefined =>
      list.length > 0 ? list.map((d) => ({ Path: d.path, Rate: d.rate })) : undefined;
    set('BlkioWeight', h.blkio.weight);
    set('BlkioWeightDevice', h.blkio.weightDevice.length > 0 ? h.blkio.weightDevice.map((d) => ({ Path: d.path, Weight: d.weight })) : undefined);
    set('BlkioDeviceReadBps', throttle(h.blkio.deviceReadBps));
    set('BlkioDeviceReadIOps', throttle(h.blkio.deviceReadIops));
    set('BlkioDeviceWriteBps', throttle(h.blkio.deviceWriteBps));
    set('BlkioDeviceWriteIOps', throttle(h.blkio.deviceWriteIops));
  }
  set('OomKillDisable', h.oomKillDisable);
  set('OomScoreAdj', h.oomScoreAdj);
  set('LogConfig', h.logging && { Type: h.logging.driver ?? '', Config: h.logging.options });
  set('Devices', h.devices?.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions })));
  set(
    'DeviceRequests',
    h.deviceRequests?.map((d) => ({
      Driver: d.driver ?? '',
      Count: d.count ?? (d.deviceIds === undefined ? -1 : 0),
      DeviceIDs: d.deviceIds ?? [],
      Capabilities: [d.capabilities],
      Options: d.options ?? {},
    })),
  );
  set('DeviceCgroupRules', h.deviceCgroupRules);
  set('Dns', h.dns);
  set('DnsSearch', h.dnsSearch);
  set('DnsOptions', h.dnsOpt);
  set('GroupAdd', h.groupAdd);
  set('IpcMode', h.ipc);
  set('PidMode', h.pid);
  set('CgroupParent', h.cgroupParent);
  set('CgroupnsMode', h.cgroup);
  set('UTSMode', h.uts);
  set('ReadonlyRootfs', h.readOnly);
  if (h.securityOpt) {
    // "systempaths=unconfined" is not an engine option: it means "no masked or read-only paths" (as docker run does)
    set('SecurityOpt', h.securityOpt.filter((o) => o !== 'systempaths=unconfined'));
    if (h.securityOpt.includes('systempaths=unconfined')) {
      out.MaskedPaths = [];
      out.ReadonlyPaths = [];
    }
  }
  set('StorageOpt', h.storageOpt);
  set('UsernsMode', h.usernsMode);
  set('Runtime', h.runtime);
  set('Links', h.links);
  set('VolumesFrom', h.volumesFrom);
  return out;
}

/** One network's EndpointSettings (create or connect). */
export function toEndpointSettings(net: ContainerNetwork): Record<string, unknown> {
  const ipam =
    net.ipv4Address || net.ipv6Address || net.linkLocalIps
      ? {
          IPAMConfig: {
            ...(net.ipv4Address ? { IPv4Address: net.ipv4Address } : {}),
            ...(net.ipv6Address ? { IPv6Address: net.ipv6Address } : {}),
            ...(net.linkLocalIps ? { LinkLocalIPs: net.linkLocalIps } : {}),
          },
        }
      : {};
  return {
    Aliases: net.aliases,
    ...ipam,
    ...(net.macAddress ? { MacAddress: net.macAddress } : {}),
    ...(net.driverOpts ? { DriverOpts: net.driverOpts } : {}),
    ...(net.links ? { Links: net.links } : {}),
  };
}

function portKey(port: number, protocol: 'tcp' | 'udp'): string {
  return `${port}/${protocol}`;
}

export function toPortBindings(ports: PortBinding[]): Dockerode.PortMap {
  const bindings: Dockerode.PortMap = {};
  for (const p of ports) {
    const key = portKey(p.containerPort, p.protocol);
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort === 0 ? '' : String(p.hostPort) });
  }
  return bindings;
}

function toEnvList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

export function toCreateOptions(req: ContainerRequest): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  for (const e of req.exposedPorts) exposed[portKey(e.port, e.protocol)] = {};
  for (const p of req.ports) exposed[portKey(p.containerPort, p.protocol)] = {};
  const firstNetwork = req.networks[0];
  const networkMode = req.networkMode ?? firstNetwork?.name;

  const binds = req.mounts.filter(isLegacyBind).map(toBind);
  const hostConfig: Dockerode.HostConfig = {
    ...(req.host ? toHostConfigOptions(req.host) : {}),
    PortBindings: toPortBindings(req.ports),
    Mounts: req.mounts.filter((m) => !isLegacyBind(m)).map(toMount),
    ...(binds.length > 0 ? { Binds: binds } : {}),
    RestartPolicy: toRestartPolicy(req.restartPolicy),
    ExtraHosts: req.extraHosts,
    ...(req.init !== undefined ? { Init: req.init } : {}),
    ...(req.privileged !== undefined ? { Privileged: req.privileged } : {}),
    ...(networkMode !== undefined ? { NetworkMode: networkMode } : {}),
  };

  const options: Dockerode.ContainerCreateOptions = {
    name: req.name,
    Image: req.image,
    Labels: req.labels,
    Env: toEnvList(req.env),
    ExposedPorts: exposed,
    Tty: req.tty,
    OpenStdin: req.openStdin,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: hostConfig,
  };
  if (req.cmd !== undefined) options.Cmd = req.cmd;
  if (req.entrypoint !== undefined) options.Entrypoint = req.entrypoint;
  if (req.workingDir !== undefined) options.WorkingDir = req.workingDir;
  if (req.user !== undefined) options.User = req.user;
  if (req.hostname !== undefined) options.Hostname = req.hostname;
  if (req.stopSignal !== undefined) options.StopSignal = req.stopSignal;
  if (req.stopTimeoutS !== undefined) options.StopTimeout = req.stopTimeoutS;
  if (req.healthcheck !== undefined) options.Healthcheck = toHealthConfig(req.healthcheck);
  if (req.domainname !== undefined) options.Domainname = req.domainname;
  if (req.macAddress !== undefined) (options as Record<string, unknown>).MacAddress = req.macAddress;
  if (req.platform !== undefined) (options as Record<string, unknown>).platform = req.platform; // a query parameter
  if (req.networkMode === undefined && firstNetwork !== undefined) {
    options.NetworkingConfig = { EndpointsConfig: { [firstNetwork.name]: toEndpointSettings(firstNetwork) } };
  }
  return options;
}
