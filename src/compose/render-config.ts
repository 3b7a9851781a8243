// The normalized project shaped like `docker compose config` output, with secrets masked by default.
import type {
  BuildConfig,
  Healthcheck,
  PortMapping,
  Project,
  ReadySpec,
  ServiceConfig,
  VolumeMount,
  WatchRule,
} from '../core/model.js';
import { maskEnv } from '../core/secret-masking.js';

export function renderComposeConfig(project: Project, opts: { showSecrets: boolean }): Record<string, unknown> {
  const secrets = (values: Record<string, string>): Record<string, string> => (opts.showSecrets ? { ...values } : maskEnv(values));
  const services: Record<string, unknown> = {};
  for (const name of Object.keys(project.services).sort()) services[name] = renderService(project.services[name]!, secrets);
  const out: Record<string, unknown> = { name: project.name, services };
  out.networks = Object.fromEntries(Object.entries(project.networks).map(([k, n]) => [k, resource(n)]));
  if (Object.keys(project.volumes).length > 0) {
    out.volumes = Object.fromEntries(Object.entries(project.volumes).map(([k, v]) => [k, resource(v)]));
  }
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
  set('volumes', s.volumes.length > 0 ? s.volumes.map(renderVolume) : undefined);
  set('networks', nonEmpty(Object.fromEntries(Object.entries(s.networks).map(([k, n]) => [k, n.aliases.length > 0 ? { aliases: n.aliases } : null]))));
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
  set('develop', s.develop && { watch: s.develop.watch.map((w) => renderWatchRule(w, secrets)) });
  const devstack: Record<string, unknown> = {};
  if (s.devstack.ready) devstack.ready = readyText(s.devstack.ready);
  if (s.devstack.timeoutMs !== undefined) devstack.timeout = formatDuration(s.devstack.timeoutMs);
  if (s.devstack.reset) devstack.reset = { run: s.devstack.reset.run.map((h) => ({ service: h.service, command: h.command })) };
  set('x-devstack', nonEmpty(devstack));
  return out;
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
    dockerfile: b.dockerfile,
    ...(Object.keys(b.args).length > 0 ? { args: secrets(b.args) } : {}),
    ...(b.target === undefined ? {} : { target: b.target }),
    ...(Object.keys(b.labels).length > 0 ? { labels: secrets(b.labels) } : {}),
    ...(b.noCache === undefined ? {} : { no_cache: b.noCache }),
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
    ...(p.published === undefined ? {} : { published: String(p.published) }),
    protocol: p.protocol,
  };
}

function renderVolume(v: VolumeMount): Record<string, unknown> {
  const base = { type: v.type, ...('source' in v && v.source !== undefined ? { source: v.source } : {}), target: v.target };
  const readOnly = v.readOnly ? { read_only: true } : {};
  if (v.type === 'bind') return { ...base, ...readOnly, bind: { create_host_path: v.createHostPath } };
  if (v.type === 'volume') return { ...base, ...readOnly, volume: v.noCopy ? { nocopy: true } : {} };
  return { ...base, ...readOnly };
}

function resource(r: { name: string; external: boolean; driver?: string; labels: Record<string, string> }): Record<string, unknown> {
  return {
    name: r.name,
    ...(r.external ? { external: true } : {}),
    ...(r.driver === undefined ? {} : { driver: r.driver }),
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
