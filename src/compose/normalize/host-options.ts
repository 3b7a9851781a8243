// The service keys that become the container's HostConfig (limits, isolation, devices, DNS, logging),
// read into Engine API units; `deploy.resources`; and the keys devstack cannot apply, each named in a
// located warning.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatLocation, type ComposeIssue } from '../../core/errors.js';
import type { BlkioConfig, DeployResources, DeviceMapping, DeviceRequest, HostOptions, ThrottleDevice } from '../../core/model.js';
import type { MapNode, Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';
import { stringList } from './develop.js';
import { labelMap } from './build-and-health.js';
import { readOrReport, ValueError } from './node-errors.js';
import { bytesOf, decimalOf, integerOf, microsecondsOf } from './units.js';

export interface HostOptionsContext {
  /** Where a relative seccomp profile path is read from. */
  projectDir: string;
  issues: ComposeIssue[];
  warnings: string[];
  /** Told of each seccomp profile read: its JSON becomes part of the project. */
  filesRead?: { noteRead(file: string): void };
}

/** Service keys compose applies that devstack does not, and why (one warning each). */
const NOT_APPLIED: Record<string, string> = {
  gpus: 'devstack does not request GPUs (no device driver for them on this engine)',
  cpu_count: 'a Windows-only setting',
  cpu_percent: 'a Windows-only setting',
  isolation: 'a Windows-only setting',
  credential_spec: 'a Windows-only setting',
  volume_driver: 'devstack does not set a default volume driver; set `driver` on the top-level volume',
  annotations: 'container annotations need Engine API 1.43; devstack does not send them',
  use_api_socket: 'devstack does not mount the engine socket into containers',
  post_start: 'lifecycle hooks are not run by devstack',
  pre_stop: 'lifecycle hooks are not run by devstack',
  models: 'devstack does not provide AI models',
  provider: 'devstack does not run provider services',
  pull_refresh_after: 'devstack pulls a missing image only; it does not pull again after a time',
};

type Reader = <T>(key: string, fn: (n: Node) => T) => T | undefined;

export function normalizeHostOptions(service: Node, name: string, ctx: HostOptionsContext): HostOptions {
  const read: Reader = (key, fn) => {
    const value = child(service, key);
    return value === undefined ? undefined : readOrReport(ctx.issues, value, ['services', name, key], () => fn(value), undefined);
  };
  const bytes = (key: string): number | undefined => read(key, (n) => bytesOf(n, key));
  const int = (key: string): number | undefined => read(key, (n) => integerOf(n, key));
  const text = (key: string): string | undefined => read(key, (n) => scalarText(n));
  const list = (key: string): string[] | undefined => read(key, (n) => stringList(n));
  const flag = (key: string): boolean | undefined => read(key, (n) => scalarText(n) === 'true');
  const dict = (key: string): Record<string, string> | undefined => read(key, (n) => labelMap(n));

  const host: HostOptions = {
    shmSize: bytes('shm_size'),
    capAdd: list('cap_add'),
    capDrop: list('cap_drop'),
    ulimits: read('ulimits', ulimitsOf),
    tmpfs: read('tmpfs', tmpfsOf),
    sysctls: dict('sysctls'),
    memLimit: bytes('mem_limit'),
    memswapLimit: read('memswap_limit', (n) => (scalarText(n)?.trim() === '-1' ? -1 : bytesOf(n, 'memswap_limit'))),
    memReservation: bytes('mem_reservation'),
    memSwappiness: int('mem_swappiness'),
    cpus: read('cpus', (n) => decimalOf(n, 'cpus')),
    cpuShares: int('cpu_shares'),
    cpuQuota: int('cpu_quota'),
    cpuPeriod: int('cpu_period'),
    cpuRtRuntime: read('cpu_rt_runtime', (n) => microsecondsOf(n, 'cpu_rt_runtime')),
    cpuRtPeriod: read('cpu_rt_period', (n) => microsecondsOf(n, 'cpu_rt_period')),
    cpuset: text('cpuset'),
    pidsLimit: int('pids_limit'),
    blkio: read('blkio_config', blkioOf),
    oomKillDisable: flag('oom_kill_disable'),
    oomScoreAdj: int('oom_score_adj'),
    logging: read('logging', (n) => ({
      ...(scalarText(child(n, 'driver')) === undefined ? {} : { driver: scalarText(child(n, 'driver')) }),
      options: labelMap(child(n, 'options')),
    })),
    devices: read('devices', devicesOf),
    deviceCgroupRules: list('device_cgroup_rules'),
    dns: list('dns'),
    dnsSearch: list('dns_search'),
    dnsOpt: list('dns_opt'),
    groupAdd: list('group_add'),
    ipc: text('ipc'),
    pid: text('pid'),
    cgroupParent: text('cgroup_parent'),
    cgroup: text('cgroup'),
    uts: text('uts'),
    readOnly: flag('read_only'),
    securityOpt: read('security_opt', (n) => stringList(n).map((o) => withSeccompProfile(o, ctx))),
    storageOpt: dict('storage_opt'),
    usernsMode: text('userns_mode'),
    runtime: text('runtime'),
  };
  for (const key of Object.keys(host) as (keyof HostOptions)[]) if (host[key] === undefined) delete host[key];
  warnNotApplied(service, name, ctx.warnings);
  return host;
}

/** `seccomp=./profile.json` (or `seccomp:`) → the profile's JSON itself, compacted, as docker compose sends it. */
function withSeccompProfile(option: string, ctx: HostOptionsContext): string {
  const match = /^seccomp[=:](.+)$/.exec(option);
  if (!match || match[1] === 'unconfined' || match[1] === 'builtin') return option;
  const file = path.resolve(ctx.projectDir, match[1]!);
  ctx.filesRead?.noteRead(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ValueError(`security_opt: seccomp profile ${file} cannot be read`);
  }
  try {
    return `seccomp=${JSON.stringify(JSON.parse(text))}`;
  } catch {
    throw new ValueError(`security_opt: seccomp profile ${file} is not JSON`);
  }
}

function warnNotApplied(service: Node, name: string, warnings: string[]): void {
  if (!isMap(service)) return;
  for (const [key, why] of Object.entries(NOT_APPLIED)) {
    const entry = service.entries.get(key);
    if (entry !== undefined) warnings.push(`${formatLocation(entry.keyLoc)}: services.${name}.${key} is not applied: ${why}`);
  }
}

/** `deploy.resources`; `deploy` keys other than resources that compose applies get a warning. */
export function normalizeDeployResources(service: Node, name: string, ctx: HostOptionsContext): DeployResources | undefined {
  const deploy = child(service, 'deploy');
  if (!isMap(deploy)) return undefined;
  warnDeployKeys(deploy, name, ctx.warnings);
  const resources = child(deploy, 'resources');
  if (resources === undefined) return undefined;
  return readOrReport(ctx.issues, resources, ['services', name, 'deploy', 'resources'], () => resourcesOf(resources), undefined);
}

function warnDeployKeys(deploy: MapNode, name: string, warnings: string[]): void {
  const restart = deploy.entries.get('restart_policy');
  if (restart !== undefined) {
    warnings.push(`${formatLocation(restart.keyLoc)}: services.${name}.deploy.restart_policy is not applied: use the service's restart: key`);
  }
}

function resourcesOf(node: Node): DeployResources {
  const out: DeployResources = {};
  const limits = child(node, 'limits');
  if (limits !== undefined) {
    out.limits = withoutUndefined({
      cpus: optional(child(limits, 'cpus'), (n) => decimalOf(n, 'deploy.resources.limits.cpus')),
      memory: optional(child(limits, 'memory'), (n) => bytesOf(n, 'deploy.resources.limits.memory')),
      pids: optional(child(limits, 'pids'), (n) => integerOf(n, 'deploy.resources.limits.pids')),
    });
  }
  const reservations = child(node, 'reservations');
  if (reservations !== undefined) {
    const devices = child(reservations, 'devices');
    out.reservations = {
      ...withoutUndefined({
        cpus: optional(child(reservations, 'cpus'), (n) => decimalOf(n, 'deploy.resources.reservations.cpus')),
        memory: optional(child(reservations, 'memory'), (n) => bytesOf(n, 'deploy.resources.reservations.memory')),
      }),
      devices: isSeq(devices) ? devices.items.map(deviceRequestOf) : [],
    };
  }
  return out;
}

function deviceRequestOf(node: Node): DeviceRequest {
  const count = scalarText(child(node, 'count'));
  const ids = child(node, 'device_ids');
  const options = child(node, 'options');
  return {
    ...(scalarText(child(node, 'driver')) === undefined ? {} : { driver: scalarText(child(node, 'driver')) }),
    ...(count === undefined ? {} : { count: count === 'all' ? -1 : integerOf(child(node, 'count')!, 'devices.count') }),
    ...(ids === undefined ? {} : { deviceIds: stringList(ids) }),
    capabilities: stringList(child(node, 'capabilities')),
    ...(options === undefined ? {} : { options: labelMap(options) }),
  };
}

function optional<T>(node: Node | undefined, fn: (n: Node) => T): T | undefined {
  return node === undefined ? undefined : fn(node);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function ulimitsOf(node: Node): Record<string, { soft: number; hard: number }> {
  const out: Record<string, { soft: number; hard: number }> = {};
  if (!isMap(node)) throw new ValueError('ulimits: expected a mapping of limit names');
  for (const [key, entry] of node.entries) {
    const v = entry.value;
    if (isMap(v)) {
      out[key] = { soft: integerOf(child(v, 'soft') ?? v, `ulimits.${key}.soft`), hard: integerOf(child(v, 'hard') ?? v, `ulimits.${key}.hard`) };
    } else {
      const single = integerOf(v, `ulimits.${key}`);
      out[key] = { soft: single, hard: single };
    }
  }
  return out;
}

/** "/run" or "/run:size=1m,mode=1777" (one string or a list) → path → options. */
function tmpfsOf(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of stringList(node)) {
    const colon = entry.indexOf(':');
    if (colon === -1) out[entry] = '';
    else out[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return out;
}

/** Short "/dev/x[:/dev/y[:rwm]]" or long { source, target, permissions }. */
function devicesOf(node: Node): DeviceMapping[] {
  if (!isSeq(node)) throw new ValueError('devices: expected a list');
  return node.items.map((item) => {
    if (isMap(item)) {
      const source = scalarText(child(item, 'source')) ?? '';
      return { source, target: scalarText(child(item, 'target')) ?? source, permissions: scalarText(child(item, 'permissions')) ?? 'rwm' };
    }
    const parts = (scalarText(item) ?? '').split(':');
    if (parts.length > 3 || parts[0] === '') throw new ValueError(`devices: invalid ${JSON.stringify(scalarText(item))}; expected HOST[:CONTAINER[:PERMISSIONS]]`);
    const [source, target, permissions] = parts as [string, string | undefined, string | undefined];
    if (target !== undefined && /^[rwm]+$/.test(target) && permissions === undefined) return { source, target: source, permissions: target };
    return { source, target: target ?? source, permissions: permissions ?? 'rwm' };
  });
}

function blkioOf(node: Node): BlkioConfig {
  const throttle = (key: string, unit: 'bytes' | 'count'): ThrottleDevice[] => {
    const list = child(node, key);
    if (!isSeq(list)) return [];
    return list.items.map((item) => {
      const rate = child(item, 'rate');
      if (rate === undefined) throw new ValueError(`blkio_config.${key}: each entry needs path and rate`);
      return { path: scalarText(child(item, 'path')) ?? '', rate: unit === 'bytes' ? bytesOf(rate, `blkio_config.${key}.rate`) : integerOf(rate, `blkio_config.${key}.rate`) };
    });
  };
  const weight = child(node, 'weight');
  const weightDevice = child(node, 'weight_device');
  return {
    ...(weight === undefined ? {} : { weight: integerOf(weight, 'blkio_config.weight') }),
    weightDevice: isSeq(weightDevice)
      ? weightDevice.items.map((i) => ({ path: scalarText(child(i, 'path')) ?? '', weight: integerOf(child(i, 'weight') ?? i, 'blkio_config.weight_device.weight') }))
      : [],
    deviceReadBps: throttle('device_read_bps', 'bytes'),
    deviceReadIops: throttle('device_read_iops', 'count'),
    deviceWriteBps: throttle('device_write_bps', 'bytes'),
    deviceWriteIops: throttle('device_write_iops', 'count'),
  };
}
