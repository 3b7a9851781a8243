// Top-level networks and volumes → engine-side names (`<project>_<key>` unless `name:` or external),
// plus the implicit `default` network.
import type { IpamConfig, NetworkConfig, VolumeConfig } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';
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
  const driverOpts = child(node, 'driver_opts');
  if (driverOpts !== undefined) resource.driverOpts = labelMap(driverOpts);
  const ipam = child(node, 'ipam');
  if (ipam !== undefined) resource.ipam = ipamOf(ipam);
  for (const [key, field] of [['internal', 'internal'], ['attachable', 'attachable'], ['enable_ipv6', 'enableIpv6'], ['enable_ipv4', 'enableIpv4']] as const) {
    const value = scalarText(child(node, key));
    if (value !== undefined) resource[field] = value === 'true';
  }
  const ipv4 = isMap(node) ? node.entries.get('enable_ipv4') : undefined;
  if (ipv4 !== undefined) resource.enableIpv4Source = ipv4.keyLoc;
  return resource;
}

function ipamOf(node: Node): IpamConfig {
  const driver = scalarText(child(node, 'driver'));
  const config = child(node, 'config');
  const options = child(node, 'options');
  return {
    ...(driver === undefined ? {} : { driver }),
    config: (isSeq(config) ? config.items : []).map((pool) => {
      const out: IpamConfig['config'][number] = {};
      const subnet = scalarText(child(pool, 'subnet'));
      const ipRange = scalarText(child(pool, 'ip_range'));
      const gateway = scalarText(child(pool, 'gateway'));
      const aux = child(pool, 'aux_addresses');
      if (subnet !== undefined) out.subnet = subnet;
      if (ipRange !== undefined) out.ipRange = ipRange;
      if (gateway !== undefined) out.gateway = gateway;
      if (aux !== undefined) out.auxAddresses = labelMap(aux);
      return out;
    }),
    ...(options === undefined ? {} : { options: labelMap(options) }),
  };
}
