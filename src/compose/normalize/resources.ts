// Top-level networks and volumes → engine-side names (`<project>_<key>` unless `name:` or external),
// plus the implicit `default` network.
import type { NetworkConfig, VolumeConfig } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, isMap, scalarText } from '../node.js';
import { labelMap } from './build-and-health.js';

type Resource = NetworkConfig & VolumeConfig;

export function normalizeResources(node: Node | undefined, projectName: string): Record<string, Resource> {
  const out: Record<string, Resource> = {};
  if (!isMap(node)) return out;
  for (const [key, entry] of node.entries) out[key] = resourceOf(key, entry.value, projectName);
  return out;
}

export function normalizeNetworks(node: Node | undefined, projectName: string): Record<string, NetworkConfig> {
  const networks = normalizeResources(node, projectName);
  networks.default ??= { name: `${projectName}_default`, external: false, labels: {} };
  return networks;
}

function resourceOf(key: string, node: Node, projectName: string): Resource {
  const externalNode = child(node, 'external');
  const external = isMap(externalNode) || scalarText(externalNode) === 'true';
  const explicitName = scalarText(child(node, 'name')) ?? (isMap(externalNode) ? scalarText(child(externalNode, 'name')) : undefined);
  const resource: Resource = {
    name: explicitName ?? (external ? key : `${projectName}_${key}`),
    external,
    labels: labelMap(child(node, 'labels')),
  };
  const driver = scalarText(child(node, 'driver'));
  if (driver !== undefined) resource.driver = driver;
  return resource;
}
