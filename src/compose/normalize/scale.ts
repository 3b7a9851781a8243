// How many containers a service runs: `scale` or `deploy.replicas` (compose refuses two different numbers), and the
// one rule that goes with it: a service with `container_name` runs one container (the name must be unique).
import type { ComposeIssue } from '../../core/errors.js';
import type { ServiceConfig } from '../../core/model.js';
import type { MapEntry, Node } from '../node.js';
import { child, isMap } from '../node.js';
import { readOrReport, ValueError } from './node-errors.js';
import { integerOf } from './units.js';

export function scaleOf(service: Node, name: string, issues: ComposeIssue[]): Pick<ServiceConfig, 'scale' | 'scaleKey'> {
  const scaleEntry = entryOf(service, 'scale');
  const deploy = child(service, 'deploy');
  const replicasEntry = isMap(deploy) ? entryOf(deploy, 'replicas') : undefined;
  const count = (entry: MapEntry | undefined, path: string[]): number | undefined =>
    entry === undefined ? undefined : readOrReport(issues, entry.value, ['services', name, ...path], () => countOf(entry.value), undefined);
  const scale = count(scaleEntry, ['scale']);
  const replicas = count(replicasEntry, ['deploy', 'replicas']);
  if (scale !== undefined && replicas !== undefined && scale !== replicas) {
    issues.push({
      location: (replicasEntry as MapEntry).keyLoc,
      message: `services.${name}: can't set distinct values on 'scale' (${scale}) and 'deploy.replicas' (${replicas}); keep one of them`,
    });
    return {};
  }
  const value = scale ?? replicas;
  if (value === undefined) return {};
  const containerName = entryOf(service, 'container_name');
  if (value > 1 && containerName !== undefined) {
    issues.push({
      location: (scaleEntry ?? (replicasEntry as MapEntry)).keyLoc,
      message: `services.${name}: a service with container_name runs one container (names are unique), so it can't be scaled to ${value}; drop container_name or the scale`,
    });
    return {};
  }
  return { scale: value, scaleKey: scale !== undefined && replicas !== undefined ? 'both' : scale !== undefined ? 'scale' : 'deploy.replicas' };
}

function countOf(node: Node): number {
  const n = integerOf(node, 'the number of containers');
  if (n < 0) throw new ValueError(`must be greater than or equal to 0 (got ${n})`);
  return n;
}

function entryOf(node: Node, key: string): MapEntry | undefined {
  return isMap(node) ? node.entries.get(key) : undefined;
}
