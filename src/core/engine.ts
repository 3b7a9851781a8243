// The engine ports: what the use cases need from a container engine, in devstack's own types, split by role so
// each use case names the roles it touches (`engine: ContainerQueryPort & EventsLogsPort`). `Engine` is all of
// them: the Docker adapter (src/engine/docker) implements it; unit tests use an in-memory one.
import type { Readable, Writable } from 'node:stream';
import type { DeviceRequest, HostOptions, IpamConfig } from './model.js';

export interface EngineInfo {
  serverVersion: string;
  apiVersion: string;
  os: string;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface PublishedPort {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
}

/** A container as listed: enough to reconcile and to show in `ps`. */
export interface ContainerInfo {
  id: string;
  /** Without the leading slash. */
  name: string;
  image: string;
  status: ContainerStatus;
  labels: Record<string, string>;
  ports: PublishedPort[];
  createdAt: number;
  /** The image id the container runs (sha256:...), when the engine tells. */
  imageId?: string;
}

export interface ContainerDetails extends ContainerInfo {
  health: HealthStatus;
  /** The last health probe outputs, oldest first. */
  healthLog: { exitCode: number; output: string; at: string }[];
  exitCode: number | null;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  tty: boolean;
  /** Container IP address per network name. */
  networks: Record<string, { ipAddress: string; aliases: string[] }>;
  env: Record<string, string>;
  oomKilled: boolean;
  error: string;
  /** Mounts as the engine reports them; anonymous volumes have type 'volume' and a generated name. */
  mounts?: { type: string; name?: string; source: string; target: string }[];
}

export interface ContainerMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name (engine-side), absolute host path, or undefined for an anonymous volume / tmpfs. */
  source?: string;
  target: string;
  readOnly: boolean;
  noCopy?: boolean;
  /** volume: the folder of the volume mounted (Engine API 1.45+). */
  subpath?: string;
  /** bind: create a missing host folder (compose's short syntax and `bind.create_host_path`). */
  createHostPath?: boolean;
  /** bind: mount propagation (rprivate, rshared, ...). */
  propagation?: string;
  /** bind: SELinux relabel, z (shared) or Z (private). */
  selinux?: 'z' | 'Z';
  /** tmpfs: size limit in bytes and file mode. */
  sizeBytes?: number;
  mode?: number;
}

/** One network a container joins, with its endpoint settings. */
export interface ContainerNetwork {
  name: string;
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  linkLocalIps?: string[];
  macAddress?: string;
  driverOpts?: Record<string, string>;
  /** Legacy links ("container:alias"), given on every endpoint as compose does. */
  links?: string[];
}

/** HostConfig settings past the basic ones, in Engine API units (see HostOptions), with deploy.resources applied. */
export interface ContainerHostOptions extends HostOptions {
  deviceRequests?: DeviceRequest[];
  /** Legacy links, "container:alias". */
  links?: string[];
  /** Containers whose volumes this one mounts, "name[:ro|rw]". */
  volumesFrom?: string[];
}

export interface ContainerHealthcheck {
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
}

export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  /** 0 = let the engine choose. */
  hostPort: number;
}

export interface ContainerRequest {
  name: string;
  image: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  tty: boolean;
  openStdin: boolean;
  init?: boolean;
  privileged?: boolean;
  stopSignal?: string;
  stopTimeoutS?: number;
  restartPolicy?: string;
  extraHosts: string[];
  /** The networks to join, highest priority first; the first one is attached at create time. */
  networks: ContainerNetwork[];
  networkMode?: string;
  /** Limits, isolation, devices, DNS, logging: absent when the service sets none. */
  host?: ContainerHostOptions;
  domainname?: string;
  macAddress?: string;
  /** os/arch[/variant], asked of the engine at create. */
  platform?: string;
  ports: PortBinding[];
  exposedPorts: { port: number; protocol: 'tcp' | 'udp' }[];
  mounts: ContainerMount[];
  /** undefined: the image's healthcheck. ['NONE']: disabled. */
  healthcheck?: ContainerHealthcheck;
}

export interface BuildRequest {
  /** Absolute context folder. */
  context: string;
  /** Relative to the context. */
  dockerfile: string;
  tag: string;
  args: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  noCache?: boolean;
  /** The Dockerfile's text, sent in the context in place of `dockerfile`. */
  dockerfileInline?: string;
  /** Network for RUN steps (`networkmode`). */
  network?: string;
  cacheFrom?: string[];
  /** "host:ip" entries for RUN steps. */
  extraHosts?: string[];
  shmSize?: number;
  /** Further tags for the image. */
  extraTags?: string[];
  platform?: string;
}

export interface NetworkRequest {
  name: string;
  driver?: string;
  labels: Record<string, string>;
  driverOpts?: Record<string, string>;
  ipam?: IpamConfig;
  internal?: boolean;
  attachable?: boolean;
  enableIpv6?: boolean;
  /** Sent only to engines of API 1.48 or later; an older one reports it in `unsupported` instead. */
  enableIpv4?: boolean;
}

/** A request field the engine cannot apply: its API predates the field. */
export interface UnsupportedField<F extends string> {
  field: F;
  apiVersion: string;
  needsApiVersion: string;
}

export interface VolumeRequest {
  name: string;
  driver?: string;
  labels: Record<string, string>;
  driverOpts?: Record<string, string>;
}

export interface EngineEvent {
  type: 'container' | 'network' | 'volume' | 'image';
  /** start, die, health_status: healthy, destroy, restart, ... */
  action: string;
  id: string;
  labels: Record<string, string>;
  /** Exit code for `die`. */
  exitCode?: number;
  time: number;
}

export interface LogOptions {
  follow: boolean;
  /** undefined: all. */
  tail?: number;
  /** Unix seconds (fractional allowed). */
  since?: number;
  until?: number;
  timestamps: boolean;
}

export interface LogRecord {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as the engine gives it when timestamps are asked for. */
  time?: string;
  /** One line without its newline. Invalid UTF-8 kept as replacement characters. */
  text: string;
}

export interface ProgressSink {
  (line: string): void;
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

/** A process started in a container whose stdin and output stay open until it ends or is closed. */
export interface ExecStream {
  /** The process's stdin; `end()` closes it (the process sees end of input). */
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Resolves once the connection ends (the process exited or `close()` was called). */
  ended: Promise<void>;
  /** Drops the connection; the process sees end of input. */
  close(): void;
}

/**
 * Where the engine runs, seen from this host. A remote engine's published ports are on its host, not on this
 * host's loopback: `host` is the address to dial for ports published on all addresses.
 */
export type EngineLocation = { kind: 'local' } | { kind: 'remote'; via: 'tcp' | 'ssh'; host: string };

/** Where a relay listens on this host's loopback (`localPort` 0 or absent: any free port) and whether it holds the process open. */
export interface RelayListenOptions {
  localPort?: number;
  keepAlive?: boolean;
}

/** A listener on this host's loopback that carries each connection to a port as the engine host sees it. */
export interface PortRelay {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Whether the engine answers, and facts about its host. */
export interface EngineStatusPort {
  ping(signal?: AbortSignal): Promise<EngineInfo>;
  /** The engine's data root (DockerRootDir), as a path on the engine's host (`doctor`'s disk check). */
  dataRoot(): Promise<string | undefined>;
}

/**
 * How the engine is reached from this host. Every member is optional because each depends on which engine was
 * chosen and how: an engine from the local default socket has no choice to describe (`chosen`, `overridden`), absent
 * `location` means local, and only an engine reached over a channel that can carry a connection (ssh) relays ports.
 */
export interface EngineReachPort {
  /** Which engine and why ("context devbox (from DOCKER_CONTEXT) → ssh://dev@10.0.0.5"). Absent: the local default. */
  readonly chosen?: string | undefined;
  /** A setting the choice of engine overrode, e.g. DOCKER_CONTEXT while DOCKER_HOST is set. */
  readonly overridden?: string | undefined;
  /** Absent: local. */
  readonly location?: EngineLocation;
  /**
   * Opens a relay from this host's loopback (`localPort`, 0 = any free one) to `toHost:toPort` on the engine host
   * (its 127.0.0.1 or a container IP). Only engines reached over a channel that can carry it (ssh) have one.
   */
  openPortRelay?(toHost: string, toPort: number, opts?: RelayListenOptions): Promise<PortRelay>;
}

/** Reading containers: what exists, what it publishes, its state. */
export interface ContainerQueryPort {
  /** Containers of a project (by its label), running or not. */
  listProjectContainers(project: string): Promise<ContainerInfo[]>;
  /** Every container on the engine that publishes a host port (for port planning). */
  listPublishedPorts(): Promise<{ containerName: string; project?: string; port: PublishedPort }[]>;
  inspectContainer(id: string): Promise<ContainerDetails>;
}

/** Changing containers: create, start, stop, restart, rename, remove. */
export interface ContainerLifecyclePort {
  /** Creates the container and connects it to every requested network. Returns its id. */
  createContainer(req: ContainerRequest): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutS: number): Promise<void>;
  restartContainer(id: string, timeoutS: number): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  /** removeVolumes: also its anonymous volumes. */
  removeContainer(id: string, opts: { force: boolean; removeVolumes: boolean }): Promise<void>;
}

export type ContainerPort = ContainerQueryPort & ContainerLifecyclePort;

/** Local images: what is here, what they declare, pulls and builds. */
export interface ImagePort {
  imageExists(ref: string): Promise<boolean>;
  /** The id (sha256:...) of a local image, or undefined when it is not present. */
  imageId(ref: string): Promise<string | undefined>;
  /** The user an image runs as ('' for root); undefined when the image is not here (`doctor`, `up`). */
  imageUser(ref: string): Promise<string | undefined>;
  /** The container paths a local image declares as volumes (Dockerfile `VOLUME`); [] when it is not present. */
  imageVolumes(ref: string): Promise<string[]>;
  /** An error in the pull stream is an error. */
  pullImage(ref: string, opts: { signal?: AbortSignal; onProgress?: ProgressSink }): Promise<void>;
  buildImage(req: BuildRequest, opts: { signal?: AbortSignal; onProgress?: ProgressSink }): Promise<void>;
}

/** Networks and volumes, and content carried into a volume. */
export interface NetworkVolumePort {
  /** Creates the network unless one of that name exists; then `labels` are the existing one's. */
  ensureNetwork(
    req: NetworkRequest,
  ): Promise<{ created: boolean; labels?: Record<string, string>; unsupported?: UnsupportedField<keyof NetworkRequest>[] }>;
  /** The project's networks by label; `created` is RFC 3339 when the engine tells. */
  listProjectNetworks(project: string): Promise<{ id: string; name: string; labels: Record<string, string>; created?: string }[]>;
  /** Names of the containers attached to a network (by id); [] when it is gone. */
  networkContainers(id: string): Promise<string[]>;
  /** By name or id. */
  removeNetwork(nameOrId: string): Promise<void>;
  networkExists(name: string): Promise<boolean>;

  /** Creates the volume unless one of that name exists; then `labels` are the existing one's. */
  ensureVolume(req: VolumeRequest): Promise<{ created: boolean; labels?: Record<string, string> }>;
  listProjectVolumes(project: string): Promise<{ name: string; labels: Record<string, string> }[]>;
  removeVolume(name: string): Promise<void>;
  volumeExists(name: string): Promise<boolean>;
  /**
   * Replaces the content of volume `volume` with the tar stream, through a container of `image` that is created
   * (never started) with the volume mounted, and removed after. For bind mounts carried to a remote engine.
   */
  fillVolume(volume: string, image: string, tar: Readable, labels: Record<string, string>): Promise<void>;
}

/** Work inside a running container: commands, a kept-open process, files written into it. */
export interface ExecPort {
  /** `onOutput` gets the output as it comes (stdout and stderr interleaved); the result holds all of it too. */
  exec(id: string, cmd: string[], opts?: { user?: string; workingDir?: string; env?: Record<string, string>; signal?: AbortSignal; onOutput?: (text: string) => void }): Promise<ExecResult>;
  /**
   * Starts a process in the container with stdin attached and keeps the connection open (a helper that takes many
   * requests over one stream). It may still fail (an image without the tool, an engine that refuses the upgrade):
   * callers fall back to `exec`/`putArchive`.
   */
  openExecStream(id: string, cmd: string[], opts: { user?: string; signal: AbortSignal }): Promise<ExecStream>;
  /** Extracts a tar stream into the container at `destDir`. */
  putArchive(id: string, destDir: string, tar: Readable): Promise<void>;
}

/** What the engine says as it happens: its events and containers' log lines. */
export interface EventsLogsPort {
  /** Engine events until the signal aborts. */
  events(filter: { project?: string }, signal: AbortSignal): AsyncIterable<EngineEvent>;
  /** Log lines of one container, demultiplexed and split into whole lines. */
  logs(id: string, opts: LogOptions, signal: AbortSignal): AsyncIterable<LogRecord>;
}

/** Every role: what the composition root opens and the Docker adapter implements. */
export type Engine = EngineStatusPort &
  EngineReachPort &
  ContainerPort &
  ImagePort &
  NetworkVolumePort &
  ExecPort &
  EventsLogsPort;
