// `build` and `healthcheck` of a service.
import path from 'node:path';
import type { BuildConfig, Healthcheck } from '../../core/model.js';
import { formatLocation } from '../../core/errors.js';
import type { Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';
import { parseBytes } from './byte-sizes.js';
import type { VariableLookup } from '../interpolation.js';
import { readKeyedValues, resolveKeyedValues } from './environment.js';
import { ValueError } from './node-errors.js';
import { composeDurationMs } from '../../core/durations.js';

const REMOTE_CONTEXT = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;

export function normalizeBuild(node: Node, projectDir: string, lookup: VariableLookup): BuildConfig {
  const contextText = node.kind === 'scalar' ? (scalarText(node) ?? '.') : (scalarText(child(node, 'context')) ?? '.');
  const context = REMOTE_CONTEXT.test(contextText) ? contextText : path.resolve(projectDir, contextText);
  const inline = scalarText(child(node, 'dockerfile_inline'));
  const build: BuildConfig = {
    context,
    dockerfile: scalarText(child(node, 'dockerfile')) ?? 'Dockerfile',
    args: resolveKeyedValues(child(node, 'args'), lookup),
    labels: labelMap(child(node, 'labels')),
  };
  if (inline !== undefined) build.dockerfileInline = inline;
  const target = scalarText(child(node, 'target'));
  if (target !== undefined) build.target = target;
  const noCache = child(node, 'no_cache');
  if (noCache !== undefined) build.noCache = scalarText(noCache) === 'true';
  const network = scalarText(child(node, 'network'));
  if (network !== undefined) build.network = network;
  const lists = [
    ['cache_from', 'cacheFrom'],
    ['tags', 'tags'],
    ['platforms', 'platforms'],
  ] as const;
  for (const [key, field] of lists) {
    const list = child(node, key);
    if (isSeq(list)) build[field] = list.items.map((i) => scalarText(i) ?? '');
  }
  const extraHosts = child(node, 'extra_hosts');
  if (extraHosts !== undefined) {
    build.extraHosts = isMap(extraHosts) ? [...labelEntries(extraHosts)].map(([k, v]) => `${k}:${v}`) : (isSeq(extraHosts) ? extraHosts.items : []).map((i) => (scalarText(i) ?? '').replace('=', ':'));
  }
  const shm = scalarText(child(node, 'shm_size'));
  if (shm !== undefined) {
    const bytes = parseBytes(shm);
    if (bytes === undefined) throw new ValueError(`build.shm_size: invalid size ${JSON.stringify(shm)}; e.g. 256m`);
    build.shmSize = bytes;
  }
  return build;
}

function labelEntries(node: Node): [string, string][] {
  return Object.entries(labelMap(node));
}

/** Build keys the classic builder (the only one on this engine) cannot apply, and why. */
const CLASSIC_BUILDER_CANNOT: Record<string, string> = {
  ssh: 'SSH agent forwarding needs BuildKit; the classic builder has none',
  secrets: 'build secrets need BuildKit; the classic builder has none',
  cache_to: 'cache export needs BuildKit',
  additional_contexts: 'named contexts need BuildKit',
  isolation: 'a Windows-only setting',
  privileged: 'needs BuildKit entitlements',
  entitlements: 'needs BuildKit',
  provenance: 'attestations need BuildKit',
  sbom: 'attestations need BuildKit',
  no_cache_filter: 'needs BuildKit',
  ulimits: 'the classic builder API takes no ulimits from compose',
  pull: 'devstack builds from the local images (no registry pull at build)',
};

/** One located warning per build key devstack cannot apply (and for platforms beyond the first). */
export function buildWarnings(node: Node, service: string): string[] {
  if (!isMap(node)) return [];
  const out: string[] = [];
  for (const [key, entry] of node.entries) {
    const why = CLASSIC_BUILDER_CANNOT[key];
    if (why !== undefined) out.push(`${formatLocation(entry.keyLoc)}: services.${service}.build.${key} is not applied: ${why}`);
  }
  const platforms = node.entries.get('platforms');
  if (platforms !== undefined && isSeq(platforms.value) && platforms.value.items.length > 1) {
    out.push(`${formatLocation(platforms.keyLoc)}: services.${service}.build.platforms: the classic builder builds one platform; devstack builds for the first only`);
  }
  return out;
}

/** Labels: a bare key is an empty label. */
export function labelMap(node: Node | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of readKeyedValues(node)) out[k] = v ?? '';
  return out;
}

export function normalizeHealthcheck(node: Node): Healthcheck {
  const health: Healthcheck = { disable: scalarText(child(node, 'disable')) === 'true' };
  const test = child(node, 'test');
  if (test !== undefined) {
    health.test = isSeq(test) ? test.items.map((i) => scalarText(i) ?? '') : ['CMD-SHELL', scalarText(test) ?? ''];
    if (health.test[0] === 'NONE') health.disable = true;
  }
  if (health.disable) health.test = ['NONE'];
  const durations = [
    ['interval', 'intervalMs'],
    ['timeout', 'timeoutMs'],
    ['start_period', 'startPeriodMs'],
    ['start_interval', 'startIntervalMs'],
  ] as const;
  for (const [key, field] of durations) {
    const value = child(node, key);
    if (value !== undefined) health[field] = durationOf(value, `healthcheck.${key}`);
  }
  const retries = scalarText(child(node, 'retries'));
  if (retries !== undefined) health.retries = Number(retries);
  return health;
}

export function durationOf(node: Node, what: string): number {
  const text = scalarText(node) ?? '';
  const ms = composeDurationMs(text);
  if (ms === undefined) throw new ValueError(`${what}: invalid duration ${JSON.stringify(text)}; e.g. 10s, 1m30s, 500ms`);
  return ms;
}
