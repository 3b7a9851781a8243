// The normalized project shaped like `docker compose config` output, with secrets masked by default.
import type {
  BuildConfig,
  FileObjectReference,
  Healthcheck,
  NetworkConfig,
  PortMapping,
  Project,
  ReadySpec,
  ServiceConfig,
  ServiceNetwork,
  VolumeConfig,
  VolumeMount,
  WatchRule,
} from '../core/model.js';
import { stringify } from 'yaml';
import { maskEnv } from '../core/secret-masking.js';
import { renderDeployResources, renderHostOptions } from './render-host-options.js';

export function renderComposeConfig(project: Project, opts: { showSecrets: boolean }): Record<string, unknown> {
  const secrets = (values: Record<string, string>): Record<string, string> => (opts.showSecrets ? { ...values } : maskEnv(values));
  const services: Record<string, unknown> = {};
  for (const name of Object.keys(project.services).sort()) services[name] = renderService(project.services[name]!, secrets);
  const out: Record<string, unknown> = { name: project.name, services };
  out.networks = Object.fromEntries(Object.entries(project.networks).map(([k, n]) => [k, resource(n)]));
  if (Object.keys(project.volumes).length > 0) {
    out.volumes = Object.fromEntries(Object.entries(project.volumes).map(([k, v]) => [k, resource(v)]));
  }
  if (project.secrets) out.secrets = project.secrets;
  if (project.configs) out.configs = project.configs;
  return out;
}

type Masker = (values: Record<string, string>) => Record<string, string>;

function renderService(s: ServiceConfig, secrets: Masker): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) out[key] = value;
  };
  set('profiles', s.profiles.length > 0 ? s.profiles : undefined);
  set('image', s.image);
  set('build', s.build && renderBuild(s.build, secrets));
  set('container_name', s.containerName);
  set('command', s.command);
  set('entrypoint', s.entrypoint);
  set('depends_on', nonEmpty(s.dependsOn));
  set('environment', nonEmpty(secrets(s.environment)));
  set('healthcheck', s.healthcheck && renderHealthcheck(s.healthcheck));
  set('labels', nonEmpty(secrets(s.labels)));
  set('ports', s.ports.length > 0 ? s.ports.map(renderPort) : undefined);
  set('expose', s.expose.length > 0 ? s.expose : undefined);
  // A secret or config is a bind mount underneath; compose shows it under `secrets:` / `configs:`, not `volumes:`.
  const fileObjectTargets = new Set([...(s.secrets ?? []), ...(s.configs ?? [])].map((r) => r.target));
  const volumes = s.volumes.filter((v) => !(v.type === 'bind' && fileObjectTargets.has(v.target)));
  set('volumes', volumes.length > 0 ? volumes.map(renderVolume) : undefined);
  set('secrets', s.secrets?.map(renderFileObjectReference));
  set('configs', s.configs?.map(renderFileObjectReference));
  set('networks', nonEmpty(Object.fromEntries(Object.entries(s.networks).map(([k, n]) => [k, renderServiceNetwork(n)]))));
  set('network_mode', s.networkMode);
  set('extra_hosts', s.extraHosts.length > 0 ? s.extraHosts : undefined);
  set('restart', s.restart);
  set('working_dir', s.workingDir);
  set('user', s.user);
  set('hostname', s.hostname);
  set('tty', s.tty || undefined);
  set('stdin_open', s.stdinOpen || undefined);
  set('init', s.init);
  set('privileged', s.privileged);
  set('stop_signal', s.stopSignal);
  set('stop_grace_period', s.stopGracePeriodMs === undefined ? undefined : formatDuration(s.stopGracePeriodMs));
  set('pull_policy', s.pullPolicy);
  set('links', s.links && s.links.length > 0 ? s.links : undefined);
  set('external_links', s.externalLinks && s.externalLinks.length > 0 ? s.externalLinks : undefined);
  set('volumes_from', s.volumesFrom && s.volumesFrom.length > 0 ? s.volumesFrom : undefined);
  set('mac_address', s.macAddress);
  set('domainname', s.domainname);
  set('platform', s.platform);
  for (const [key, value] of Object.entries(renderHostOptions(s.host))) set(key, value);
  if (s.scaleKey === 'scale' || s.scaleKey === 'both') set('scale', s.scale);
  const deploy = { ...(s.scaleKey === 'deploy.replicas' || s.scaleKey === 'both' ? { replicas: s.scale } : {}), ...renderDeployResources(s.deployResources) };
  set('deploy', Object.keys(deploy).length > 0 ? deploy : undefined);
  set('develop', s.develop && { watch: s.develop.watch.map((w) => renderWatchRule(w, secrets)) });
  const devstack: Record<string, unknown> = {};
  if (s.devstack.ready) devstack.ready = readyText(s.devstack.ready);
  if (s.devstack.timeoutMs !== undefined) devstack.timeout = formatDuration(s.devstack.timeoutMs);
  if (s.devstack.reset) devstack.reset = { run: s.devstack.reset.run.map((h) => ({ service: h.service, command: h.command })) };
  set('x-devstack', nonEmpty(devstack));
  return out;
}

function renderFileObjectReference(r: FileObjectReference): Record<string, unknown> {
  return {
    source: r.source,
    target: r.target,
    ...(r.uid === undefined ? {} : { uid: r.uid }),
    ...(r.gid === undefined ? {} : { gid: r.gid }),
    ...(r.mode === undefined ? {} : { mode: formatFileMode(r.mode) }),
  };
}

/** 288 → "0440": compose-go writes a secret's or config's mode as a string in octal, led by a 0. */
/** The rendered model as the YAML text `devstack config` prints. */
export function composeConfigYaml(doc: Record<string, unknown>): string {
  return stringify(doc);
}

export function formatFileMode(mode: number): string {
  return `0${mode.toString(8)}`;
}

function renderServiceNetwork(n: ServiceNetwork): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  if (n.aliases.length > 0) out.aliases = n.aliases;
  if (n.ipv4Address !== undefined) out.ipv4_address = n.ipv4Address;
  if (n.ipv6Address !== undefined) out.ipv6_address = n.ipv6Address;
  if (n.linkLocalIps !== undefined) out.link_local_ips = n.linkLocalIps;
  if (n.macAddress !== undefined) out.mac_address = n.macAddress;
  if (n.driverOpts !== undefined) out.driver_opts = n.driverOpts;
  if (n.priority !== undefined) out.priority = n.priority;
  return Object.keys(out).length > 0 ? out : null;
}

function renderWatchRule(w: WatchRule, secrets: Masker): Record<string, unknown> {
  const out: Record<string, unknown> = { action: w.action, path: w.path };
  if (w.target !== undefined) out.target = w.target;
  if (w.ignore.length > 0) out.ignore = w.ignore;
  if (w.include.length > 0) out.include = w.include;
  if (w.initialSync) out.initial_sync = true;
  if (w.exec) {
    out.exec = {
      command: w.exec.command,
      ...(w.exec.user === undefined ? {} : { user: w.exec.user }),
      ...(w.exec.workingDir === undefined ? {} : { working_dir: w.exec.workingDir }),
      ...(Object.keys(w.exec.environment).length > 0 ? { environment: secrets(w.exec.environment) } : {}),
    };
  }
  return out;
}

function renderBuild(b: BuildConfig, secrets: Masker): Record<string, unknown> {
  return {
    context: b.context,
    ...(b.dockerfileInline === undefined ? { dockerfile: b.dockerfile } : { dockerfile_inline: b.dockerfileInline }),
    ...(Object.keys(b.args).length > 0 ? { args: secrets(b.args) } : {}),
    ...(b.target === undefined ? {} : { target: b.target }),
    ...(Object.keys(b.labels).length > 0 ? { labels: secrets(b.labels) } : {}),
    ...(b.noCache === undefined ? {} : { no_cache: b.noCache }),
    ...(b.network === undefined ? {} : { network: b.network }),
    ...(b.cacheFrom === undefined ? {} : { cache_from: b.cacheFrom }),
    ...(b.extraHosts === undefined ? {} : { extra_hosts: b.extraHosts }),
    ...(b.shmSize === undefined ? {} : { shm_size: String(b.shmSize) }),
    ...(b.tags === undefined ? {} : { tags: b.tags }),
    ...(b.platforms === undefined ? {} : { platforms: b.platforms }),
  };
}

function renderHealthcheck(h: Healthcheck): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (h.test) out.test = h.test;
  if (h.intervalMs !== undefined) out.interval = formatDuration(h.intervalMs);
  if (h.timeoutMs !== undefined) out.timeout = formatDuration(h.timeoutMs);
  if (h.retries !== undefined) out.retries = h.retries;
  if (h.startPeriodMs !== undefined) out.start_period = formatDuration(h.startPeriodMs);
  if (h.startIntervalMs !== undefined) out.start_interval = formatDuration(h.startIntervalMs);
  if (h.disable) out.disable = true;
  return out;
}

function renderPort(p: PortMapping): Record<string, unknown> {
  return {
    mode: 'ingress',
    ...(p.hostIp === undefined ? {} : { host_ip: p.hostIp }),
    target: p.target,
    ...(p.published === undefined ? {} : { published: p.publishedTo === undefined ? String(p.published) : `${p.published}-${p.publishedTo}` }),
    protocol: p.protocol,
  };
}

function renderVolume(v: VolumeMount): Record<string, unknown> {
  const base = { type: v.type, ...('source' in v && v.source !== undefined ? { source: v.source } : {}), target: v.target };
  const readOnly = v.readOnly ? { read_only: true } : {};
  if (v.type === 'bind') {
    const bind = {
      ...(v.propagation === undefined ? {} : { propagation: v.propagation }),
      create_host_path: v.createHostPath,
      ...(v.selinux === undefined ? {} : { selinux: v.selinux }),
    };
    return { ...base, ...readOnly, bind };
  }
  if (v.type === 'volume') {
    return { ...base, ...readOnly, volume: { ...(v.noCopy ? { nocopy: true } : {}), ...(v.subpath ? { subpath: v.subpath } : {}) } };
  }
  const tmpfs = { ...(v.sizeBytes === undefined ? {} : { size: v.sizeBytes }), ...(v.mode === undefined ? {} : { mode: v.mode }) };
  return { ...base, ...readOnly, ...(Object.keys(tmpfs).length > 0 ? { tmpfs } : {}) };
}

function resource(r: NetworkConfig | VolumeConfig): Record<string, unknown> {
  const net = r as NetworkConfig;
  const ipam = net.ipam && {
    ...(net.ipam.driver === undefined ? {} : { driver: net.ipam.driver }),
    ...(net.ipam.config.length > 0
      ? {
          config: net.ipam.config.map((c) => ({
            ...(c.subnet === undefined ? {} : { subnet: c.subnet }),
            ...(c.ipRange === undefined ? {} : { ip_range: c.ipRange }),
            ...(c.gateway === undefined ? {} : { gateway: c.gateway }),
            ...(c.auxAddresses === undefined ? {} : { aux_addresses: c.auxAddresses }),
          })),
        }
      : {}),
    ...(net.ipam.options === undefined ? {} : { options: net.ipam.options }),
  };
  return {
    name: r.name,
    ...(r.external ? { external: true } : {}),
    ...(r.driver === undefined ? {} : { driver: r.driver }),
    ...(r.driverOpts === undefined ? {} : { driver_opts: r.driverOpts }),
    ...(ipam ? { ipam } : {}),
    ...(net.internal === undefined ? {} : { internal: net.internal }),
    ...(net.attachable === undefined ? {} : { attachable: net.attachable }),
    ...(net.enableIpv4 === undefined ? {} : { enable_ipv4: net.enableIpv4 }),
    ...(net.enableIpv6 === undefined ? {} : { enable_ipv6: net.enableIpv6 }),
    ...(Object.keys(r.labels).length > 0 ? { labels: r.labels } : {}),
  };
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

export function readyText(spec: ReadySpec): string {
  switch (spec.kind) {
    case 'http':
      return `http:${spec.path}${spec.status === undefined ? '' : `:${spec.status}`}`;
    case 'tcp':
      return spec.port === undefined ? 'tcp' : `tcp:${spec.port}`;
    case 'log':
      return `log:${spec.pattern}`;
    default:
      return spec.kind;
  }
}

/** 90_000 → "1m30s", 500 → "500ms" (Go-style, as compose prints durations). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}
