// The project model: what a compose file means once loaded, interpolated, merged and normalized.
// Pure data; the compose loader produces it, the planner and executor consume it.

/** Where something was written: a compose file position (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface Project {
  name: string;
  /** Absolute project folder (the folder of the first compose file, unless --project-directory). */
  workingDir: string;
  /** Absolute paths of the compose files, in merge order. */
  composeFiles: string[];
  /**
   * Every file the project is read from, whether it exists or not: the compose files with the ones they include and
   * extend, the project's env files (`.env` or --env-file) and the services' env_file entries. Editing, adding or
   * removing one of them changes the project (`watch` reloads on them).
   */
  configFiles?: string[];
  /** configFiles → a stamp of each taken just before it was read (`watch` tells a save it has not seen yet by it). */
  configStamps?: Record<string, string>;
  /** Active services (profiles applied), by name. */
  services: Record<string, ServiceConfig>;
  /** Services defined but left out by profiles. */
  inactiveServices: string[];
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  /** Top-level secrets and configs given by a file (the ones devstack provides), by key. */
  secrets?: Record<string, FileObjectDeclaration>;
  configs?: Record<string, FileObjectDeclaration>;
  /** Non-fatal findings of the loader (unset variables, obsolete `version`, ...), each `file:line:col: ...`. */
  warnings?: string[];
}

export interface ServiceConfig {
  name: string;
  image?: string;
  build?: BuildConfig;
  /** undefined: the image's default. */
  command?: string[];
  entrypoint?: string[];
  /** Resolved: env_file entries, then `environment`; a bare `KEY` takes the shell value or is dropped. */
  environment: Record<string, string>;
  ports: PortMapping[];
  expose: string[];
  volumes: VolumeMount[];
  dependsOn: Record<string, DependsOn>;
  healthcheck?: Healthcheck;
  labels: Record<string, string>;
  restart?: string;
  workingDir?: string;
  user?: string;
  hostname?: string;
  tty: boolean;
  stdinOpen: boolean;
  init?: boolean;
  privileged?: boolean;
  stopSignal?: string;
  stopGracePeriodMs?: number;
  extraHosts: string[];
  /** Networks by compose key; a service with none is on `default`. */
  networks: Record<string, ServiceNetwork>;
  networkMode?: string;
  containerName?: string;
  /**
   * How many containers (replicas) the service runs: `scale`, `deploy.replicas` or `up --scale`; undefined = 1.
   * `scaleKey` is which key the compose file used, so `config` prints it where it was written.
   */
  scale?: number;
  scaleKey?: 'scale' | 'deploy.replicas' | 'both';
  profiles: string[];
  pullPolicy?: 'always' | 'never' | 'missing' | 'build' | 'if_not_present';
  develop?: DevelopConfig;
  /** Limits, isolation, devices, DNS, logging and the other container keys, in Engine API units. */
  host?: HostOptions;
  /** `deploy.resources`: applied over the service-level limits at create time (as compose does). */
  deployResources?: DeployResources;
  /** `links` ("service[:alias]") and `external_links` ("container[:alias]"). */
  links?: string[];
  externalLinks?: string[];
  /** `volumes_from`: "service[:ro|rw]" or "container:name[:ro|rw]". */
  volumesFrom?: string[];
  /** The service-level `mac_address` (Config.MacAddress). */
  macAddress?: string;
  domainname?: string;
  /** `platform` (os/arch[/variant]): the platform asked of create and build. */
  platform?: string;
  /** The service's `secrets:` and `configs:` entries, as `config` shows them (each is also a bind mount in `volumes`). */
  secrets?: FileObjectReference[];
  configs?: FileObjectReference[];
  /** The `x-devstack` extension of the service. */
  devstack: DevstackServiceOptions;
  /** Where the service is defined (its key in the last file that defines it). */
  source: SourceLocation;
}

/** A top-level secret or config given by a file. */
export interface FileObjectDeclaration {
  name: string;
  /** Absolute path. */
  file: string;
}

/** A service's use of a top-level secret or config. */
export interface FileObjectReference {
  source: string;
  /** The absolute path it is mounted at. */
  target: string;
  uid?: string;
  gid?: string;
  /** The file mode asked for (a number; compose writes it in octal). */
  mode?: number;
}

export interface BuildConfig {
  /** Absolute path of the build context. */
  context: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  noCache?: boolean;
  /** `dockerfile_inline`: the Dockerfile's text, sent in the context instead of a file. */
  dockerfileInline?: string;
  network?: string;
  cacheFrom?: string[];
  extraHosts?: string[];
  shmSize?: number;
  /** More tags for the built image. */
  tags?: string[];
  platforms?: string[];
}

export interface PortMapping {
  /** Container port. */
  target: number;
  /** Declared host port; undefined means "any free port" (ephemeral). */
  published?: number;
  /**
   * The last port of a host range for one container port (`8000-8002:80`): replica n of a scaled service gets
   * `published + n - 1` while the range lasts.
   */
  publishedTo?: number;
  /** Declared host IP; undefined means devstack's default (127.0.0.1). */
  hostIp?: string;
  protocol: 'tcp' | 'udp';
  source?: SourceLocation;
}

export type VolumeMount = (
  | { type: 'volume'; source?: string; target: string; readOnly: boolean; noCopy?: boolean; subpath?: string }
  | {
      type: 'bind';
      source: string;
      target: string;
      readOnly: boolean;
      createHostPath: boolean;
      /** rprivate, private, rshared, shared, rslave, slave. */
      propagation?: string;
      /** z (shared) or Z (private) SELinux relabel. */
      selinux?: 'z' | 'Z';
    }
  | { type: 'tmpfs'; target: string; readOnly: boolean; sizeBytes?: number; mode?: number }
) & {
  /**
   * Where the entry is written (its `volumes:`, `secrets:` or `configs:` list item): an error or warning about this
   * one mount points there rather than at the service. Absent for mounts devstack makes itself.
   */
  location?: SourceLocation;
};

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface DependsOn {
  condition: DependencyCondition;
  /** false: a missing or failed dependency is a warning, not an error. */
  required: boolean;
  /** true: restart this service when the dependency is recreated/restarted. */
  restart: boolean;
}

export interface Healthcheck {
  /** ['CMD', ...] | ['CMD-SHELL', cmd] | ['NONE']; disable: true is the same as ['NONE']. */
  test?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
  disable: boolean;
}

export interface ServiceNetwork {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  linkLocalIps?: string[];
  /** Higher first: the highest-priority network is the one the container is created on. */
  priority?: number;
  macAddress?: string;
  driverOpts?: Record<string, string>;
}

/**
 * The service keys compose passes to HostConfig (and Resources), already in the Engine API's units:
 * sizes in bytes, `cpus` as a fraction of CPUs, CPU times in microseconds. A key not written is absent.
 */
export interface HostOptions {
  shmSize?: number;
  capAdd?: string[];
  capDrop?: string[];
  ulimits?: Record<string, { soft: number; hard: number }>;
  /** `tmpfs` entries: container path → mount options ("" for none). */
  tmpfs?: Record<string, string>;
  sysctls?: Record<string, string>;
  memLimit?: number;
  memswapLimit?: number;
  memReservation?: number;
  memSwappiness?: number;
  cpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuRtRuntime?: number;
  cpuRtPeriod?: number;
  cpuset?: string;
  pidsLimit?: number;
  blkio?: BlkioConfig;
  oomKillDisable?: boolean;
  oomScoreAdj?: number;
  logging?: { driver?: string; options: Record<string, string> };
  devices?: DeviceMapping[];
  deviceCgroupRules?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOpt?: string[];
  groupAdd?: string[];
  ipc?: string;
  pid?: string;
  cgroupParent?: string;
  cgroup?: string;
  uts?: string;
  readOnly?: boolean;
  securityOpt?: string[];
  storageOpt?: Record<string, string>;
  usernsMode?: string;
  runtime?: string;
}

export interface DeviceMapping {
  source: string;
  target: string;
  permissions: string;
}

export interface ThrottleDevice {
  path: string;
  rate: number;
}

export interface BlkioConfig {
  weight?: number;
  weightDevice: { path: string; weight: number }[];
  deviceReadBps: ThrottleDevice[];
  deviceReadIops: ThrottleDevice[];
  deviceWriteBps: ThrottleDevice[];
  deviceWriteIops: ThrottleDevice[];
}

/** A `deploy.resources.reservations.devices` entry (an Engine DeviceRequest). */
export interface DeviceRequest {
  driver?: string;
  /** -1: all. */
  count?: number;
  deviceIds?: string[];
  capabilities: string[];
  options?: Record<string, string>;
}

export interface DeployResources {
  limits?: { cpus?: number; memory?: number; pids?: number };
  reservations?: { cpus?: number; memory?: number; devices: DeviceRequest[] };
}

export interface IpamConfig {
  driver?: string;
  config: { subnet?: string; ipRange?: string; gateway?: string; auxAddresses?: Record<string, string> }[];
  options?: Record<string, string>;
}

export interface NetworkConfig {
  /** The engine-side name: `<project>_<key>` unless `name:` or external. */
  name: string;
  external: boolean;
  driver?: string;
  labels: Record<string, string>;
  driverOpts?: Record<string, string>;
  ipam?: IpamConfig;
  internal?: boolean;
  attachable?: boolean;
  enableIpv6?: boolean;
  /** `enable_ipv4` (Engine API 1.48+; an older engine gives every network IPv4). */
  enableIpv4?: boolean;
  /** Where `enable_ipv4` is written (for the warning when the engine cannot apply it). */
  enableIpv4Source?: SourceLocation;
}

export interface VolumeConfig {
  /** The engine-side name: `<project>_<key>` unless `name:` or external. */
  name: string;
  external: boolean;
  driver?: string;
  labels: Record<string, string>;
  driverOpts?: Record<string, string>;
}

export type WatchAction = 'sync' | 'rebuild' | 'sync+restart' | 'restart' | 'sync+exec';

export interface WatchRule {
  action: WatchAction;
  /** Absolute host path watched. */
  path: string;
  /** Container path (sync actions). */
  target?: string;
  ignore: string[];
  include: string[];
  initialSync: boolean;
  exec?: { command: string[]; user?: string; workingDir?: string; environment: Record<string, string> };
  /** Where the rule's `path` is written. */
  source?: SourceLocation;
}

export interface DevelopConfig {
  watch: WatchRule[];
}

/** How devstack decides a service is ready (`x-devstack.ready`). */
export type ReadySpec =
  | { kind: 'postgres' }
  | { kind: 'redis' }
  | { kind: 'http'; path: string; status?: number }
  | { kind: 'tcp'; port?: number }
  | { kind: 'log'; pattern: string }
  | { kind: 'healthcheck' }
  | { kind: 'none' };

export interface DevstackServiceOptions {
  ready?: ReadySpec;
  /** Per-service readiness limit. */
  timeoutMs?: number;
  /** On a database service: commands `reset-db` runs after a reset, in order (migrations, seeds). */
  reset?: { run: ResetHook[] };
}

/** `x-devstack: { reset: { run: [{ service: backend, command: npm run migrate }] } }`: one command to run. */
export interface ResetHook {
  /** The service whose running container runs it. */
  service: string;
  command: string[];
  /** Where the entry was written. */
  source: SourceLocation;
}
