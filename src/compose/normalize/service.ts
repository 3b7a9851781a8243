// One merged service node → ServiceConfig (model.ts). Every unreadable value becomes a located issue.
import { formatLocation, type ComposeIssue } from '../../core/errors.js';
import type { DependencyCondition, DependsOn, ServiceConfig, ServiceNetwork, SourceLocation } from '../../core/model.js';
import type { MapEntry, Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';
import { keyedAsMap } from '../merge.js';
import type { VariableLookup } from '../interpolation.js';
import { buildWarnings, durationOf, labelMap, normalizeBuild, normalizeHealthcheck } from './build-and-health.js';
import { commandOf } from './command.js';
import { normalizeDevelop, stringList } from './develop.js';
import { parseDevstackOptions } from './devstack-options.js';
import { resolveServiceEnvironment, resolveServiceLabels } from './environment.js';
import { warnUnappliedValues } from './unapplied-values.js';
import { normalizeDeployResources, normalizeHostOptions } from './host-options.js';
import { readOrReport } from './node-errors.js';
import { integerOf } from './units.js';
import { parsePortEntry } from './ports.js';
import { parseVolumeEntry } from './volumes.js';
import { scaleOf } from './scale.js';

import { fileObjectUses, type FileObject } from './file-objects.js';
export interface ServiceContext {
  projectDir: string;
  homeDir: string;
  lookup: VariableLookup;
  declaredVolumes: ReadonlySet<string>;
  declaredNetworks: ReadonlySet<string>;
  declaredSecrets: Map<string, FileObject>;
  declaredConfigs: Map<string, FileObject>;
  issues: ComposeIssue[];
  warnings: string[];
}

export interface NormalizedService {
  config: ServiceConfig;
  /** Where each depends_on key was written, for the graph checks. */
  dependencyLocations: Map<string, SourceLocation>;
}

export function normalizeService(entry: MapEntry, ctx: ServiceContext): NormalizedService {
  const name = entry.key;
  const node = entry.value;
  const at = (...rest: (string | number)[]): (string | number)[] => ['services', name, ...rest];
  const read = <T>(key: string, fn: (n: Node) => T, fallback: T): T => {
    const value = child(node, key);
    return value === undefined ? fallback : readOrReport(ctx.issues, value, at(key), () => fn(value), fallback);
  };
  const text = (key: string): string | undefined => scalarText(child(node, key));
  const flag = (key: string): boolean | undefined => (child(node, key) === undefined ? undefined : text(key) === 'true');

  const secrets = fileObjectUses(child(node, 'secrets'), 'secrets', name, { declared: ctx.declaredSecrets, issues: ctx.issues, warnings: ctx.warnings });
  const configs = fileObjectUses(child(node, 'configs'), 'configs', name, { declared: ctx.declaredConfigs, issues: ctx.issues, warnings: ctx.warnings });
  const config: ServiceConfig = {
    name,
    command: read('command', commandOf, undefined),
    entrypoint: read('entrypoint', commandOf, undefined),
    environment: resolveServiceEnvironment(node, ctx),
    ports: listOf(node, 'ports', at, ctx, (item) => parsePortEntry(item)).flat(),
    expose: stringList(child(node, 'expose')),
    volumes: [...listOf(node, 'volumes', at, ctx, (item) => ({ ...parseVolumeEntry(item, ctx), location: item.loc })), ...secrets.map((u) => u.mount), ...configs.map((u) => u.mount)],
    ...(secrets.length > 0 ? { secrets: secrets.map((u) => u.reference) } : {}),
    ...(configs.length > 0 ? { configs: configs.map((u) => u.reference) } : {}),
    dependsOn: {},
    labels: resolveServiceLabels(node, ctx, labelMap(child(node, 'labels'))),
    tty: flag('tty') ?? false,
    stdinOpen: flag('stdin_open') ?? false,
    extraHosts: extraHostsOf(child(node, 'extra_hosts')),
    networks: {},
    host: normalizeHostOptions(node, name, ctx),
    links: stringList(child(node, 'links')),
    externalLinks: stringList(child(node, 'external_links')),
    volumesFrom: stringList(child(node, 'volumes_from')),
    profiles: stringList(child(node, 'profiles')),
    devstack: read('x-devstack', parseDevstackOptions, {}),
    source: entry.keyLoc,
  };
  const optional: Partial<ServiceConfig> = {
    image: text('image'),
    build: read('build', (b) => normalizeBuild(b, ctx.projectDir, ctx.lookup), undefined),
    healthcheck: read('healthcheck', normalizeHealthcheck, undefined),
    restart: text('restart'),
    workingDir: text('working_dir'),
    user: text('user'),
    hostname: text('hostname'),
    init: flag('init'),
    privileged: flag('privileged'),
    stopSignal: text('stop_signal'),
    stopGracePeriodMs: read('stop_grace_period', (n) => durationOf(n, 'stop_grace_period'), undefined),
    networkMode: text('network_mode'),
    containerName: text('container_name'),
    pullPolicy: text('pull_policy') as ServiceConfig['pullPolicy'],
    develop: read('develop', (d) => normalizeDevelop(d, ctx.projectDir, ctx.lookup), undefined),
    deployResources: normalizeDeployResources(node, name, ctx),
    macAddress: text('mac_address'),
    domainname: text('domainname'),
    platform: text('platform'),
    ...scaleOf(node, name, ctx.issues),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  warnSubpaths(child(node, 'volumes'), name, ctx.warnings);
  warnUnappliedValues(node, name, ctx.warnings);
  const buildNode = child(node, 'build');
  if (buildNode !== undefined) ctx.warnings.push(...buildWarnings(buildNode, name));
  const dependencyLocations = new Map<string, SourceLocation>();
  config.dependsOn = dependsOnOf(child(node, 'depends_on'), dependencyLocations);
  linkDependencies(node, config, dependencyLocations);
  for (const key of ['network_mode', 'ipc', 'pid']) {
    // joining another service's namespace needs its container first
    const shared = scalarText(child(node, key))?.match(/^service:(.+)$/)?.[1];
    if (shared === undefined || config.dependsOn[shared] !== undefined) continue;
    config.dependsOn[shared] = { condition: 'service_started', required: true, restart: false };
    dependencyLocations.set(shared, child(node, key)!.loc);
  }
  const networksEntry = isMap(node) ? node.entries.get('networks') : undefined;
  if (config.networkMode !== undefined && networksEntry !== undefined) {
    ctx.issues.push({
      location: networksEntry.keyLoc,
      message: `service "${name}" declares both network_mode and networks, which exclude each other; keep one`,
    });
  }
  config.networks = config.networkMode === undefined ? networksOf(node, name, ctx) : {};
  return { config, dependencyLocations };
}

function listOf<T>(
  service: Node,
  key: string,
  at: (...rest: (string | number)[]) => (string | number)[],
  ctx: ServiceContext,
  parse: (item: Node) => T,
): T[] {
  const list = child(service, key);
  if (!isSeq(list)) return [];
  return list.items.flatMap((item, i) => readOrReport(ctx.issues, item, at(key, i), () => [parse(item)], []));
}

/** The engine here (API 1.41) ignores VolumeOptions.Subpath (API 1.45+): say so rather than mount the whole volume silently. */
function warnSubpaths(volumes: Node | undefined, name: string, warnings: string[]): void {
  if (!isSeq(volumes)) return;
  volumes.items.forEach((item, i) => {
    const volume = child(item, 'volume');
    const entry = isMap(volume) ? volume.entries.get('subpath') : undefined;
    if (entry === undefined) return;
    warnings.push(
      `${formatLocation(entry.keyLoc)}: services.${name}.volumes[${i}].volume.subpath needs Docker Engine API 1.45 (Engine 26) or later; an older engine mounts the whole volume`,
    );
  });
}

function dependsOnOf(node: Node | undefined, locations: Map<string, SourceLocation>): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = {};
  if (node === undefined) return out;
  const asMap = keyedAsMap(node, 'services.*.depends_on');
  if (!isMap(asMap)) return out;
  for (const [dep, entry] of asMap.entries) {
    locations.set(dep, entry.keyLoc);
    out[dep] = {
      condition: (scalarText(child(entry.value, 'condition')) ?? 'service_started') as DependencyCondition,
      required: scalarText(child(entry.value, 'required')) !== 'false',
      restart: scalarText(child(entry.value, 'restart')) === 'true',
    };
  }
  return out;
}

function networksOf(service: Node, name: string, ctx: ServiceContext): Record<string, ServiceNetwork> {
  const node = child(service, 'networks');
  if (node === undefined) return { default: { aliases: [] } };
  const asMap = keyedAsMap(node, 'services.*.networks');
  const out: Record<string, ServiceNetwork> = {};
  if (!isMap(asMap)) return out;
  for (const [key, entry] of asMap.entries) {
    if (!ctx.declaredNetworks.has(key)) {
      ctx.issues.push({ location: entry.keyLoc, message: `service "${name}" uses undefined network "${key}"` });
      continue;
    }
    out[key] = readOrReport(ctx.issues, entry.value, ['services', name, 'networks', key], () => serviceNetworkOf(entry.value), { aliases: [] });
    warnEndpointKeys(entry.value, name, key, ctx.warnings);
  }
  warnSecondaryMacAddresses(asMap, out, name, ctx.warnings);
  return out;
}

/** Before Engine API 1.44 a container has one MAC address, its primary network's; others are dropped by the engine. */
function warnSecondaryMacAddresses(node: Node, networks: Record<string, ServiceNetwork>, service: string, warnings: string[]): void {
  const [, ...secondary] = Object.keys(networks).sort((a, b) => (networks[b]!.priority ?? 0) - (networks[a]!.priority ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of secondary) {
    const network = isMap(node) ? node.entries.get(key)?.value : undefined;
    const mac = isMap(network) ? network.entries.get('mac_address') : undefined;
    if (mac === undefined) continue;
    const at = mac.keyLoc;
    warnings.push(`${formatLocation(at)}: services.${service}.networks.${key}.mac_address needs Docker Engine API 1.44 or later on a network other than the first; an older engine ignores it`);
  }
}

/** Endpoint keys of a service network that devstack does not send (they need Engine API 1.48+). */
const ENDPOINT_KEYS_NOT_APPLIED = ['gw_priority', 'interface_name'];

function warnEndpointKeys(node: Node, service: string, network: string, warnings: string[]): void {
  if (!isMap(node)) return;
  for (const key of ENDPOINT_KEYS_NOT_APPLIED) {
    const entry = node.entries.get(key);
    if (entry !== undefined) {
      warnings.push(`${formatLocation(entry.keyLoc)}: services.${service}.networks.${network}.${key} is not applied: it needs Docker Engine API 1.48 or later, which devstack does not target`);
    }
  }
}

function serviceNetworkOf(node: Node): ServiceNetwork {
  const text = (key: string): string | undefined => scalarText(child(node, key));
  const net: ServiceNetwork = { aliases: stringList(child(node, 'aliases')) };
  const set = <K extends keyof ServiceNetwork>(key: K, value: ServiceNetwork[K] | undefined): void => {
    if (value !== undefined) net[key] = value;
  };
  set('ipv4Address', text('ipv4_address'));
  set('ipv6Address', text('ipv6_address'));
  set('linkLocalIps', child(node, 'link_local_ips') === undefined ? undefined : stringList(child(node, 'link_local_ips')));
  const priority = child(node, 'priority');
  set('priority', priority === undefined ? undefined : integerOf(priority, 'priority'));
  set('macAddress', text('mac_address'));
  const driverOpts = child(node, 'driver_opts');
  set('driverOpts', driverOpts === undefined ? undefined : labelMap(driverOpts));
  return net;
}

/**
 * A linked service, or one whose volumes are used (`volumes_from: [service]`), is a dependency (compose creates
 * it first), unless depends_on already names it.
 */
function linkDependencies(node: Node, config: ServiceConfig, locations: Map<string, SourceLocation>): void {
  for (const key of ['links', 'volumes_from']) {
    const list = child(node, key);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const service = (scalarText(item) ?? '').split(':')[0]!;
      if (service === '' || service === 'container' || config.dependsOn[service] !== undefined) continue;
      config.dependsOn[service] = { condition: 'service_started', required: true, restart: false };
      locations.set(service, item.loc);
    }
  }
}

function extraHostsOf(node: Node | undefined): string[] {
  if (node === undefined) return [];
  if (isMap(node)) {
    return [...node.entries.values()].flatMap((e) => {
      const value = e.value;
      return isSeq(value) ? value.items.map((i) => `${e.key}:${scalarText(i) ?? ''}`) : [`${e.key}:${scalarText(value) ?? ''}`];
    });
  }
  return stringList(node);
}
