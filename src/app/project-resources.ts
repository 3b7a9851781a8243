// The project's networks and named volumes: created when missing, with the project's labels.
import type { Engine } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { DEVSTACK_VERSION } from '../core/container-spec.js';
import { COMPOSE_LABEL_VERSION, LABEL } from '../core/labels.js';
import type { Project, ServiceConfig } from '../core/model.js';

export async function ensureProjectResources(engine: Engine, project: Project, services: ServiceConfig[], onEvent: EventSink): Promise<void> {
  const networkKeys = new Set(services.filter((s) => !s.networkMode).flatMap((s) => Object.keys(s.networks)));
  const volumeKeys = new Set(
    services.flatMap((s) => s.volumes.flatMap((v) => (v.type === 'volume' && v.source !== undefined ? [v.source] : []))),
  );
  for (const key of networkKeys) {
    const net = project.networks[key] ?? { name: `${project.name}_${key}`, external: false, labels: {} };
    if (net.external) {
      if (!(await engine.networkExists(net.name))) throw missingExternal('network', net.name);
      continue;
    }
    const { created } = await engine.ensureNetwork({
      name: net.name,
      ...(net.driver ? { driver: net.driver } : {}),
      ...(net.driverOpts ? { driverOpts: net.driverOpts } : {}),
      ...(net.ipam ? { ipam: net.ipam } : {}),
      ...(net.internal !== undefined ? { internal: net.internal } : {}),
      ...(net.attachable !== undefined ? { attachable: net.attachable } : {}),
      ...(net.enableIpv6 !== undefined ? { enableIpv6: net.enableIpv6 } : {}),
      labels: { ...net.labels, [LABEL.project]: project.name, [LABEL.network]: key, [LABEL.version]: COMPOSE_LABEL_VERSION, [LABEL.devstack]: DEVSTACK_VERSION },
    });
    if (created) onEvent({ type: 'resource', kind: 'network', name: net.name, action: 'create' });
  }
  for (const key of volumeKeys) {
    const vol = project.volumes[key];
    if (!vol) continue;
    if (vol.external) {
      if (!(await engine.volumeExists(vol.name))) throw missingExternal('volume', vol.name);
      continue;
    }
    const { created } = await engine.ensureVolume({
      name: vol.name,
      ...(vol.driver ? { driver: vol.driver } : {}),
      ...(vol.driverOpts ? { driverOpts: vol.driverOpts } : {}),
      labels: { ...vol.labels, [LABEL.project]: project.name, [LABEL.volume]: key, [LABEL.version]: COMPOSE_LABEL_VERSION, [LABEL.devstack]: DEVSTACK_VERSION },
    });
    if (created) onEvent({ type: 'resource', kind: 'volume', name: vol.name, action: 'create' });
  }
}

function missingExternal(kind: 'network' | 'volume', name: string): DevstackError {
  return new DevstackError('compose', `external ${kind} "${name}" does not exist`, {
    hint: `Create it first (docker ${kind} create ${name}), or drop external: true.`,
  });
}
