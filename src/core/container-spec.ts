// From a service of the project model to the container the engine should run: pure mapping,
// plus the config hash that decides whether an existing container still matches.
import { createHash } from 'node:crypto';
import { containerHostOptions, containerMount, containerNetworks } from './container-options.js';
import type { ContainerMount, ContainerRequest, PortBinding } from './engine.js';
import { COMPOSE_LABEL_VERSION, LABEL } from './labels.js';
import type { Project, ServiceConfig } from './model.js';
import { stableJson } from './stable-json.js';

export const DEVSTACK_VERSION = '0.1.0';

/** `<project>-<service>-<n>` for replica n (1 by default), or the service's `container_name`. */
export function containerNameFor(project: string, service: ServiceConfig, replica = 1): string {
  return service.containerName ?? `${project}-${service.name}-${replica}`;
}

/** How many containers the service runs (`scale`, `deploy.replicas`, `up --scale`). */
export function replicaCount(service: ServiceConfig): number {
  return service.scale ?? 1;
}

/** The image a service runs: its `image:`, or `<project>-<service>` for a build-only service. */
export function imageRefFor(project: string, service: ServiceConfig): string {
  return service.image ?? `${project}-${service.name}`;
}

/** The name a container gets while its replacement is created (compose's `<id12>_<name>`). */
export function parkedName(container: { id: string }, name: string): string {
  return `${container.id.slice(0, 12)}_${name}`;
}

/** A container renamed aside by a recreate (finished or not). */
export function isParked(container: { id: string; name: string }): boolean {
  return container.name.startsWith(`${container.id.slice(0, 12)}_`);
}

export interface ContainerSpecInput {
  project: Project;
  service: ServiceConfig;
  /** Effective host port bindings (after remapping). */
  ports: PortBinding[];
  /** Environment overrides (e.g. rewritten localhost URLs). */
  environment?: Record<string, string>;
  /** Which of the service's containers (`com.docker.compose.container-number`); 1 by default. */
  replica?: number;
}

/** The container request without the config-hash label: what the hash covers. */
function containerRequestBody(input: ContainerSpecInput): ContainerRequest {
  const { project, service } = input;
  const host = containerHostOptions(project, service, (name) => {
    const linked = project.services[name];
    return linked ? containerNameFor(project.name, linked) : `${project.name}-${name}-1`;
  });
  const networks = containerNetworks(project, service, host?.links);
  const networkMode = sharedNetworkMode(project, service.networkMode);
  const macAddress = service.macAddress ?? networks[0]?.macAddress;
  const hc = service.healthcheck;
  return {
    name: containerNameFor(project.name, service, input.replica),
    image: imageRefFor(project.name, service),
    labels: {
      ...service.labels,
      [LABEL.project]: project.name,
      [LABEL.service]: service.name,
      [LABEL.containerNumber]: String(input.replica ?? 1),
      [LABEL.oneoff]: 'False',
      [LABEL.version]: COMPOSE_LABEL_VERSION,
      [LABEL.workingDir]: project.workingDir,
      [LABEL.configFiles]: project.composeFiles.join(','),
      [LABEL.dependsOn]: Object.entries(service.dependsOn)
        .map(([d, o]) => `${d}:${o.condition}:${String(o.restart)}`)
        .join(','),
      [LABEL.devstack]: DEVSTACK_VERSION,
    },
    env: { ...service.environment, ...input.environment },
    ...(service.command ? { cmd: service.command } : {}),
    ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
    ...(service.workingDir ? { workingDir: service.workingDir } : {}),
    ...(service.user ? { user: service.user } : {}),
    ...(service.hostname ? { hostname: service.hostname } : {}),
    tty: service.tty,
    openStdin: service.stdinOpen,
    ...(service.init !== undefined ? { init: service.init } : {}),
    ...(service.privileged !== undefined ? { privileged: service.privileged } : {}),
    ...(service.stopSignal ? { stopSignal: service.stopSignal } : {}),
    ...(service.stopGracePeriodMs !== undefined ? { stopTimeoutS: Math.ceil(service.stopGracePeriodMs / 1000) } : {}),
    ...(service.restart ? { restartPolicy: service.restart } : {}),
    extraHosts: service.extraHosts,
    networks,
    ...(networkMode ? { networkMode } : {}),
    ports: input.ports,
    exposedPorts: service.expose.map((e) => {
      const [port, protocol] = e.split('/');
      return { port: Number(port), protocol: protocol === 'udp' ? 'udp' : 'tcp' };
    }),
    mounts: service.volumes.map((v) => containerMount(project, v)),
    ...(host ? { host } : {}),
    ...(service.domainname ? { domainname: service.domainname } : {}),
    ...(macAddress ? { macAddress } : {}),
    ...(service.platform ? { platform: service.platform } : {}),
    ...(hc
      ? {
          healthcheck: {
            test: hc.disable ? ['NONE'] : (hc.test ?? []),
            ...(hc.intervalMs !== undefined ? { intervalMs: hc.intervalMs } : {}),
            ...(hc.timeoutMs !== undefined ? { timeoutMs: hc.timeoutMs } : {}),
            ...(hc.retries !== undefined ? { retries: hc.retries } : {}),
            ...(hc.startPeriodMs !== undefined ? { startPeriodMs: hc.startPeriodMs } : {}),
            ...(hc.startIntervalMs !== undefined ? { startIntervalMs: hc.startIntervalMs } : {}),
          },
        }
      : {}),
  };
}

/** `network_mode: service:NAME` joins that service's container (`container:<its name>`), as compose resolves it. */
function sharedNetworkMode(project: Project, mode: string | undefined): string | undefined {
  if (!mode?.startsWith('service:')) return mode;
  const name = mode.slice('service:'.length);
  const shared = project.services[name];
  return `container:${shared ? containerNameFor(project.name, shared) : `${project.name}-${name}-1`}`;
}

/**
 * sha256 of what the container would be, which leaves out by construction what must not force a
 * recreate: build, depends_on conditions, profiles, develop, x-devstack (readiness), scale.
 */
export function configHash(request: ContainerRequest): string {
  const { labels, mounts, ...rest } = request;
  const { [LABEL.dependsOn]: _deps, [LABEL.configFiles]: _files, ...stableLabels } = labels;
  // Whether a missing host folder is created matters only at create time, not to the container.
  const hashedMounts = mounts.map(({ createHostPath: _create, ...m }) => m);
  return createHash('sha256').update(stableJson({ ...rest, mounts: hashedMounts, labels: stableLabels })).digest('hex');
}

export interface ContainerSpec {
  request: ContainerRequest;
  hash: string;
}

export function containerSpecFor(input: ContainerSpecInput): ContainerSpec {
  const body = containerRequestBody(input);
  const hash = configHash(body);
  return { request: { ...body, labels: { ...body.labels, [LABEL.configHash]: hash } }, hash };
}

/** A mount of the container being replaced, as the engine reports it. */
export interface PreviousMount {
  type: string;
  name?: string;
  target: string;
}

/** The engine names an anonymous volume with 64 hex digits. */
export function isAnonymousVolumeName(name: string | undefined): name is string {
  return name !== undefined && /^[0-9a-f]{64}$/.test(name);
}

/**
 * Keeps the anonymous volumes of a replaced container, so a recreate loses no data (as compose does): the ones
 * the compose file declares without a source, and the ones the image declares (`VOLUME` in postgres, redis, …)
 * where the compose file mounts nothing else. Anonymous volumes at paths neither declares any more are not kept.
 */
export function reuseAnonymousVolumes(request: ContainerRequest, previous: PreviousMount[], imageVolumes: string[]): ContainerRequest {
  const anonymous = new Map<string, string>();
  for (const m of previous) if (m.type === 'volume' && isAnonymousVolumeName(m.name)) anonymous.set(cleanTarget(m.target), m.name);
  const mounts = request.mounts.map((m): ContainerMount => {
    const name = m.type === 'volume' && m.source === undefined ? anonymous.get(cleanTarget(m.target)) : undefined;
    return name ? { ...m, source: name } : m;
  });
  const mounted = new Set(mounts.map((m) => cleanTarget(m.target)));
  for (const target of imageVolumes.map(cleanTarget)) {
    const name = anonymous.get(target);
    if (name && !mounted.has(target)) {
      mounts.push({ type: 'volume', source: name, target, readOnly: false });
      mounted.add(target);
    }
  }
  return { ...request, mounts };
}

function cleanTarget(target: string): string {
  return target.length > 1 ? target.replace(/\/+$/, '') : target;
}
