// `build` and `healthcheck` of a service.
import path from 'node:path';
import type { BuildConfig, Healthcheck } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, isSeq, scalarText } from '../node.js';
import type { VariableLookup } from '../interpolation.js';
import { readKeyedValues, resolveKeyedValues } from './environment.js';
import { ValueError } from './node-errors.js';
import { composeDurationMs } from '../../core/durations.js';

const REMOTE_CONTEXT = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;

export function normalizeBuild(node: Node, projectDir: string, lookup: VariableLookup): BuildConfig {
  const contextText = node.kind === 'scalar' ? (scalarText(node) ?? '.') : (scalarText(child(node, 'context')) ?? '.');
  const context = REMOTE_CONTEXT.test(contextText) ? contextText : path.resolve(projectDir, contextText);
  const build: BuildConfig = {
    context,
    dockerfile: scalarText(child(node, 'dockerfile')) ?? 'Dockerfile',
    args: resolveKeyedValues(child(node, 'args'), lookup),
    labels: labelMap(child(node, 'labels')),
  };
  const target = scalarText(child(node, 'target'));
  if (target !== undefined) build.target = target;
  const noCache = child(node, 'no_cache');
  if (noCache !== undefined) build.noCache = scalarText(noCache) === 'true';
  return build;
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
