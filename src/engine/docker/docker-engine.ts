// The Engine port on a real Docker Engine, through dockerode. Devstack types in, devstack types out;
// every failure leaves as a DevstackError.
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type {
  BuildRequest,
  ContainerDetails,
  ContainerInfo,
  ContainerRequest,
  Engine,
  EngineEvent,
  EngineInfo,
  EngineLocation,
  ExecResult,
  ExecStream,
  LogOptions,
  LogRecord,
  NetworkRequest,
  PortRelay,
  RelayListenOptions,
  ProgressSink,
  PublishedPort,
  UnsupportedField,
  VolumeRequest,
} from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import type { IpamConfig } from '../../core/model.js';
import { LABEL } from '../../core/labels.js';
import { dockerodeOptions, type DockerEndpoint } from './connect.js';
import { chooseEngine, describeEngineChoice, type EngineChoice } from './engine-choice.js';
import { openSshRelay } from './ssh-stdio.js';
import { execInContainer, type ExecOptions } from './container-exec.js';
import { toCreateOptions, toEndpointSettings } from './container-request.js';
import { listedPorts, toContainerDetails, toContainerInfo } from './container-state.js';
import { DockerodeClass } from './dockerode-module.js';
import {
  connectionFailureReason,
  engineMessage,
  firstLine,
  isNotFound,
  nonDockerAnswer,
  notDockerError,
  statusCodeOf,
  toDevstackError,
  unreachableError,
} from './engine-errors.js';
import { streamEngineEvents } from './engine-events.js';
import { openExecStream } from './exec-stream.js';
import { streamContainerLogs } from './logs.js';
import { pullImage } from './pull-image.js';

/** The first Engine API version that takes EnableIPv4 in a network create (Engine 28). */
export const ENABLE_IPV4_API = '1.48';

/** "1.41" vs "1.48": compares the numbers of each part. */
export function apiVersionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** How long openEngine waits for the engine to answer a ping. */
export const PING_LIMIT_MS = 2_000;
/** Over ssh the first ping also pays for the ssh handshake; a refused key or closed port still fails in < 5 s. */
export const SSH_PING_LIMIT_MS = 4_500;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** Where an endpoint's engine runs, seen from here. */
export function engineLocation(endpoint: DockerEndpoint): EngineLocation {
  if (endpoint.kind === 'unix') return { kind: 'local' };
  if (endpoint.kind === 'tcp' && LOOPBACK_HOSTS.has(endpoint.host)) return { kind: 'local' };
  return { kind: 'remote', via: endpoint.kind, host: endpoint.host };
}

/** compose's ipam → the Engine's IPAM (Config entries with Subnet, IPRange, Gateway, AuxiliaryAddresses). */
export function toIpam(ipam: IpamConfig): Dockerode.IPAM {
  return {
    Driver: ipam.driver ?? 'default',
    Config: ipam.config.map((c) => ({
      ...(c.subnet ? { Subnet: c.subnet } : {}),
      ...(c.ipRange ? { IPRange: c.ipRange } : {}),
      ...(c.gateway ? { Gateway: c.gateway } : {}),
      ...(c.auxAddresses ? { AuxiliaryAddresses: c.auxAddresses } : {}),
    })),
    ...(ipam.options ? { Options: ipam.options } : {}),
  };
}

function projectFilter(project: string): { label: string[] } {
  return { label: [`${LABEL.project}=${project}`] };
}

/** ping and version take an abortSignal in dockerode 5; its typings do not say so. */
interface AbortableProbes {
  ping(opts: { abortSignal: AbortSignal }): Promise<unknown>;
  version(opts: { abortSignal: AbortSignal }): Promise<Dockerode.DockerVersion>;
}

function probes(docker: Dockerode): AbortableProbes {
  return docker as unknown as AbortableProbes;
}

/** Resolves `signal` combined with a time limit; tells afterwards whether the limit was what fired. */
function limitSignal(signal: AbortSignal | undefined, limitMs: number): { signal: AbortSignal; timedOut: () => boolean } {
  const limit = AbortSignal.timeout(limitMs);
  return { signal: signal ? AbortSignal.any([signal, limit]) : limit, timedOut: () => limit.aborted && !signal?.aborted };
}

export class DockerEngine implements Engine {
  readonly location: EngineLocation;
  readonly chosen: string | undefined;
  /** A setting the choice of engine overrode (said once by the CLI). */
  readonly overridden: string | undefined;

  constructor(
    private readonly docker: Dockerode,
    /** Where the engine is, as the user would write DOCKER_HOST (for messages). */
    readonly address: string,
    choice?: EngineChoice,
  ) {
    this.overridden = choice?.overridden;
    this.location = choice ? engineLocation(choice.endpoint) : { kind: 'local' };
    this.chosen = choice ? describeEngineChoice(choice) : undefined;
    if (choice?.endpoint.kind === 'ssh') {
      const target = choice.endpoint;
      this.openPortRelay = (toHost, toPort, opts = {}) => openSshRelay(target, toHost, toPort, opts.localPort ?? 0, opts);
    }
  }

  openPortRelay?: (toHost: string, toPort: number, opts?: RelayListenOptions) => Promise<PortRelay>;
  private engineApiVersion: Promise<string> | undefined;

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toDevstackError(err, what, this.address);
    }
  }

  /** Runs fn; a 404 (the thing is already gone) yields `fallback` instead of an error. */
  private async callTolerating404<T>(what: string, fallback: T, fn: () => Promise<T>): Promise<T> {
    return this.call(what, async () => {
      try {
        return await fn();
      } catch (err) {
        if (isNotFound(err)) return fallback;
        throw err;
      }
    });
  }

  async ping(signal?: AbortSignal): Promise<EngineInfo> {
    const limited = limitSignal(signal, PING_LIMIT_MS * 5); // ping + version: a little more room than openEngine
    try {
      await probes(this.docker).ping({ abortSignal: limited.signal });
      const v = await probes(this.docker).version({ abortSignal: limited.signal });
      return { serverVersion: v.Version, apiVersion: v.ApiVersion, os: v.Os };
    } catch (err) {
      if (limited.timedOut()) throw unreachableError(this.address, `no answer within ${(PING_LIMIT_MS * 5) / 1000} s`, err);
      throw toDevstackError(err, 'ping the engine', this.address);
    }
  }

  listProjectContainers(project: string): Promise<ContainerInfo[]> {
    return this.call(`list containers of project ${project}`, async () => {
      const list = await this.docker.listContainers({ all: true, filters: projectFilter(project) });
      return list.map(toContainerInfo);
    });
  }

  listPublishedPorts(): Promise<{ containerName: string; project?: string; port: PublishedPort }[]> {
    return this.call('list published ports', async () => {
      const list = await this.docker.listContainers({ all: true });
      return list.flatMap((c) => {
        const containerName = (c.Names?.[0] ?? c.Id).replace(/^\//, '');
        const project = c.Labels?.[LABEL.project];
        return listedPorts(c.Ports).map((port) => ({ containerName, ...(project !== undefined ? { project } : {}), port }));
      });
    });
  }

  inspectContainer(id: string): Promise<ContainerDetails> {
    return this.call(`inspect container ${id}`, async () => toContainerDetails(await this.docker.getContainer(id).inspect()));
  }

  dataRoot(): Promise<string | undefined> {
    return this.call('engine info', async () => ((await this.docker.info()) as { DockerRootDir?: string }).DockerRootDir);
  }

  imageUser(ref: string): Promise<string | undefined> {
    return this.callTolerating404(`inspect image ${ref}`, undefined, async () => (await this.docker.getImage(ref).inspect()).Config?.User ?? '');
  }

  imageExists(ref: string): Promise<boolean> {
    return this.callTolerating404(`inspect image ${ref}`, false, async () => {
      await this.docker.getImage(ref).inspect();
      return true;
    });
  }

  imageId(ref: string): Promise<string | undefined> {
    return this.callTolerating404(`inspect image ${ref}`, undefined, async () => (await this.docker.getImage(ref).inspect()).Id);
  }

  imageVolumes(ref: string): Promise<string[]> {
    return this.callTolerating404(`inspect image ${ref}`, [], async () => {
      const volumes = (await this.docker.getImage(ref).inspect()).Config?.Volumes as Record<string, unknown> | null | undefined;
      return Object.keys(volumes ?? {});
    });
  }

  pullImage(ref: string, opts: { signal?: AbortSignal; onProgress?: ProgressSink }): Promise<void> {
    return pullImage(this.docker, this.address, ref, opts);
  }

  async buildImage(req: BuildRequest, opts: { signal?: AbortSignal; onProgress?: ProgressSink }): Promise<void> {
    // Imported when a build runs: the build context's tar writer is no cost to the commands that never build.
    const { buildImage } = await import('./build-image.js');
    return buildImage(this.docker, this.address, req, opts);
  }

  async ensureNetwork(req: NetworkRequest): Promise<{ created: boolean; labels?: Record<string, string>; unsupported?: UnsupportedField<keyof NetworkRequest>[] }> {
    const unsupported: UnsupportedField<keyof NetworkRequest>[] = [];
    let enableIpv4: boolean | undefined;
    if (req.enableIpv4 !== undefined) {
      // An older engine ignores EnableIPv4 silently (every network gets IPv4): only `false` is worth a word.
      const apiVersion = await this.apiVersion();
      if (apiVersionAtLeast(apiVersion, ENABLE_IPV4_API)) enableIpv4 = req.enableIpv4;
      else if (!req.enableIpv4) unsupported.push({ field: 'enableIpv4', apiVersion, needsApiVersion: ENABLE_IPV4_API });
    }
    const result = await this.createNetworkUnlessPresent(req, enableIpv4);
    return unsupported.length > 0 ? { ...result, unsupported } : result;
  }

  private async createNetworkUnlessPresent(req: NetworkRequest, enableIpv4: boolean | undefined): Promise<{ created: boolean; labels?: Record<string, string> }> {
    const existing = await this.networkLabels(req.name);
    if (existing) return { created: false, labels: existing };
    return this.call(`create network ${req.name}`, async () => {
      try {
        await this.docker.createNetwork({
          Name: req.name,
          CheckDuplicate: true,
          Labels: req.labels,
          ...(req.driver !== undefined ? { Driver: req.driver } : {}),
          ...(req.driverOpts !== undefined ? { Options: req.driverOpts } : {}),
          ...(req.ipam !== undefined ? { IPAM: toIpam(req.ipam) } : {}),
          ...(req.internal !== undefined ? { Internal: req.internal } : {}),
          ...(req.attachable !== undefined ? { Attachable: req.attachable } : {}),
          ...(req.enableIpv6 !== undefined ? { EnableIPv6: req.enableIpv6 } : {}),
          ...(enableIpv4 !== undefined ? { EnableIPv4: enableIpv4 } : {}),
        } as Dockerode.NetworkCreateOptions);
        return { created: true };
      } catch (err) {
        if (statusCodeOf(err) === 409) return { created: false }; // created meanwhile by someone else
        throw err;
      }
    });
  }

  /** The engine's API version, asked once (the fields it accepts depend on it). */
  private apiVersion(): Promise<string> {
    this.engineApiVersion ??= this.call('read the engine version', async () => (await this.docker.version()).ApiVersion).catch((err: unknown) => {
      this.engineApiVersion = undefined;
      throw err;
    });
    return this.engineApiVersion;
  }

  listProjectNetworks(project: string): Promise<{ id: string; name: string; labels: Record<string, string>; created?: string }[]> {
    return this.call(`list networks of project ${project}`, async () => {
      const list = await this.docker.listNetworks({ filters: projectFilter(project) });
      return list.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {}, ...(n.Created ? { created: n.Created } : {}) }));
    });
  }

  networkContainers(id: string): Promise<string[]> {
    return this.callTolerating404(`inspect network ${id}`, [], async () => {
      const info = (await this.docker.getNetwork(id).inspect()) as { Containers?: Record<string, { Name?: string }> | null };
      return Object.entries(info.Containers ?? {}).map(([cid, c]) => c.Name ?? cid.slice(0, 12));
    });
  }

  removeNetwork(name: string): Promise<void> {
    return this.callTolerating404(`remove network ${name}`, undefined, async () => {
      await this.docker.getNetwork(name).remove();
    });
  }

  networkExists(name: string): Promise<boolean> {
    return this.networkLabels(name).then((labels) => labels !== undefined);
  }

  /** The labels of the network called `name`, or undefined when there is none. */
  private networkLabels(name: string): Promise<Record<string, string> | undefined> {
    return this.callTolerating404(`inspect network ${name}`, undefined, async () => {
      const info = (await this.docker.getNetwork(name).inspect()) as { Name?: string; Labels?: Record<string, string> | null };
      return info.Name === name ? (info.Labels ?? {}) : undefined; // the engine also answers to an id prefix
    });
  }

  async ensureVolume(req: VolumeRequest): Promise<{ created: boolean; labels?: Record<string, string> }> {
    const existing = await this.callTolerating404(`inspect volume ${req.name}`, undefined, async () => (await this.docker.getVolume(req.name).inspect()).Labels ?? {});
    if (existing) return { created: false, labels: existing };
    return this.call(`create volume ${req.name}`, async () => {
      await this.docker.createVolume({
        Name: req.name,
        Labels: req.labels,
        ...(req.driver !== undefined ? { Driver: req.driver } : {}),
        ...(req.driverOpts !== undefined ? { DriverOpts: req.driverOpts } : {}),
      });
      return { created: true };
    });
  }

  listProjectVolumes(project: string): Promise<{ name: string; labels: Record<string, string> }[]> {
    return this.call(`list volumes of project ${project}`, async () => {
      const res = await this.docker.listVolumes({ filters: projectFilter(project) });
      return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
    });
  }

  removeVolume(name: string): Promise<void> {
    return this.callTolerating404(`remove volume ${name}`, undefined, async () => {
      await this.docker.getVolume(name).remove();
    });
  }

  volumeExists(name: string): Promise<boolean> {
    return this.callTolerating404(`inspect volume ${name}`, false, async () => {
      await this.docker.getVolume(name).inspect();
      return true;
    });
  }

  async createContainer(req: ContainerRequest): Promise<string> {
    const id = await this.call(`create container ${req.name}`, async () => {
      const container = await this.docker.createContainer(toCreateOptions(req));
      return container.id;
    });
    if (req.networkMode !== undefined) return id;
    try {
      for (const net of req.networks.slice(1)) {
        await this.call(`connect container ${req.name} to network ${net.name}`, () =>
          this.docker.getNetwork(net.name).connect({ Container: id, EndpointConfig: toEndpointSettings(net) }),
        );
      }
    } catch (err) {
      await this.removeContainer(id, { force: true, removeVolumes: true }).catch(() => undefined);
      throw err;
    }
    return id;
  }

  startContainer(id: string): Promise<void> {
    return this.call(`start container ${id}`, async () => {
      try {
        await this.docker.getContainer(id).start();
      } catch (err) {
        if (statusCodeOf(err) !== 304) throw err; // 304: already running
      }
    });
  }

  stopContainer(id: string, timeoutS: number): Promise<void> {
    return this.callTolerating404(`stop container ${id}`, undefined, async () => {
      try {
        await this.docker.getContainer(id).stop({ t: timeoutS });
      } catch (err) {
        if (statusCodeOf(err) !== 304) throw err; // 304: already stopped
      }
    });
  }

  restartContainer(id: string, timeoutS: number): Promise<void> {
    return this.call(`restart container ${id}`, async () => {
      await this.docker.getContainer(id).restart({ t: timeoutS });
    });
  }

  renameContainer(id: string, name: string): Promise<void> {
    return this.call(`rename container ${id} to ${name}`, async () => {
      await this.docker.getContainer(id).rename({ name });
    });
  }

  removeContainer(id: string, opts: { force: boolean; removeVolumes: boolean }): Promise<void> {
    return this.callTolerating404(`remove container ${id}`, undefined, async () => {
      try {
        await this.docker.getContainer(id).remove({ force: opts.force, v: opts.removeVolumes });
      } catch (err) {
        // 409 "removal of container … is already in progress": it is going away, as asked
        if (!(statusCodeOf(err) === 409 && /already in progress/i.test(engineMessage(err)))) throw err;
      }
    });
  }

  async *events(filter: { project?: string }, signal: AbortSignal): AsyncIterable<EngineEvent> {
    try {
      yield* streamEngineEvents(this.docker, filter, signal);
    } catch (err) {
      throw toDevstackError(err, 'follow engine events', this.address);
    }
  }

  logs(id: string, opts: LogOptions, signal: AbortSignal): AsyncIterable<LogRecord> {
    return streamContainerLogs(this.docker, id, opts, signal);
  }

  fillVolume(volume: string, image: string, tar: Readable, labels: Record<string, string>): Promise<void> {
    return this.call(`copy files into volume ${volume}`, async () => {
      const mountAt = '/devstack-volume';
      const filler = await this.docker.createContainer({
        Image: image,
        Entrypoint: ['/bin/true'],
        Cmd: [],
        Labels: labels,
        HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: mountAt }] },
      });
      try {
        // Adds and overwrites; what was deleted on this host since the last fill stays (see remote-bind-volumes.ts).
        await filler.putArchive(tar, { path: mountAt });
      } finally {
        await filler.remove({ force: true, v: false }).catch(() => undefined);
      }
    });
  }

  putArchive(id: string, destDir: string, tar: Readable): Promise<void> {
    return this.call(`copy files into container ${id} at ${destDir}`, async () => {
      await this.docker.getContainer(id).putArchive(tar, { path: destDir });
    });
  }

  exec(id: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.call(`exec ${cmd.join(' ')} in container ${id}`, () => execInContainer(this.docker, id, cmd, opts));
  }

  openExecStream(id: string, cmd: string[], opts: { user?: string; signal: AbortSignal }): Promise<ExecStream> {
    return this.call(`exec ${cmd[0] ?? ''} (stdin attached) in container ${id}`, () => openExecStream(this.docker, id, cmd, opts));
  }
}

/**
 * Connects to the engine DOCKER_HOST (in `env`) names, or the default socket, and pings it within 2 s.
 * No engine, no permission, or no answer → one DevstackError kind 'engine-unreachable' with a fix.
 */
export async function openEngine(
  env: Record<string, string | undefined>,
  signal?: AbortSignal,
  opts: { contextFlag?: string | undefined } = {},
): Promise<DockerEngine> {
  const choice = chooseEngine({ env, contextFlag: opts.contextFlag });
  const { endpoint } = choice;
  const docker = new DockerodeClass(dockerodeOptions(endpoint));
  const limitMs = endpoint.kind === 'ssh' ? SSH_PING_LIMIT_MS : PING_LIMIT_MS;
  const limited = limitSignal(signal, limitMs);
  const where = choice.context ? `${endpoint.address} (context ${choice.context})` : endpoint.address;
  let answer: unknown;
  try {
    answer = await probes(docker).ping({ abortSignal: limited.signal });
  } catch (err) {
    if (signal?.aborted) throw new DevstackError('interrupted', 'connect to the Docker Engine: interrupted', { cause: err });
    if (limited.timedOut()) throw unreachableError(where, `no answer within ${limitMs / 1000} s`, err);
    const other = nonDockerAnswer(err);
    if (other !== undefined) throw notDockerError(where, other);
    throw unreachableError(where, connectionFailureReason(err) ?? engineMessage(err), err);
  }
  // Docker answers its ping with "OK"; a web server that answers every path with 200 is not an engine.
  const said = Buffer.isBuffer(answer) ? answer.toString('utf8') : String(answer);
  if (said.trim() !== 'OK') throw notDockerError(where, `HTTP 200: ${firstLine(said) || 'an empty body'} instead of OK`);
  return new DockerEngine(docker, endpoint.address, choice);
}
