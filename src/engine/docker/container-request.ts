// ContainerRequest (devstack's words) → the Engine API's POST /containers/create body.
import type Dockerode from 'dockerode';
import type { ContainerHealthcheck, ContainerMount, ContainerRequest, PortBinding } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';

const NS_PER_MS = 1_000_000;

/** compose `restart:` → RestartPolicy. */
export function toRestartPolicy(value: string | undefined): { Name: string; MaximumRetryCount?: number } {
  const text = (value ?? 'no').trim();
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

/**
 * A bind that may create its missing host folder goes as a legacy `Binds` entry (`source:target[:ro]`), which the
 * engine creates on its own host, as compose does; every other mount goes in `Mounts`, where a missing source fails.
 */
export function toBind(m: ContainerMount): string | undefined {
  if (m.type !== 'bind' || !m.createHostPath || m.source === undefined || m.source.includes(':')) return undefined;
  return `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`;
}

/** An anonymous volume is a volume mount with an empty Source; tmpfs never has one. */
export function toMount(m: ContainerMount): Dockerode.MountSettings {
  const source = m.type === 'tmpfs' ? '' : (m.source ?? '');
  const mount = { Type: m.type, Source: source, Target: m.target, ReadOnly: m.readOnly };
  if (m.type === 'volume' && m.noCopy) return { ...mount, VolumeOptions: { NoCopy: true } } as Dockerode.MountSettings;
  return mount;
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

  const hostConfig: Dockerode.HostConfig = {
    PortBindings: toPortBindings(req.ports),
    Mounts: req.mounts.filter((m) => toBind(m) === undefined).map(toMount),
    Binds: req.mounts.flatMap((m) => toBind(m) ?? []),
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
  if (req.networkMode === undefined && firstNetwork !== undefined) {
    options.NetworkingConfig = { EndpointsConfig: { [firstNetwork.name]: { Aliases: firstNetwork.aliases } } };
  }
  return options;
}
