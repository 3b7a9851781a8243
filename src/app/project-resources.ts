// The project's networks and named volumes: created when missing, with the project's labels. A network or volume
// of that name made outside the project is used as it is, with a warning (compose warns too). Duplicate networks
// of the project (two runs that raced, before the project lock) are healed first: the one in use, else the
// oldest, is kept; the empty others are removed. Networks without the project's label are never touched.
import type { NetworkRequest, NetworkVolumePort, UnsupportedField } from '../core/engine.js';
import { DevstackError, formatLocation } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { DEVSTACK_VERSION } from '../core/container-spec.js';
import { COMPOSE_LABEL_VERSION, LABEL } from '../core/labels.js';
import type { NetworkConfig, Project, ServiceConfig } from '../core/model.js';

export async function ensureProjectResources(engine: NetworkVolumePort, project: Project, services: ServiceConfig[], onEvent: EventSink): Promise<void> {
  await healDuplicateNetworks(engine, project.name, onEvent);
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
    const { created, labels, unsupported } = await engine.ensureNetwork({
      name: net.name,
      ...(net.driver ? { driver: net.driver } : {}),
      ...(net.driverOpts ? { driverOpts: net.driverOpts } : {}),
      ...(net.ipam ? { ipam: net.ipam } : {}),
      ...(net.internal !== undefined ? { internal: net.internal } : {}),
      ...(net.attachable !== undefined ? { attachable: net.attachable } : {}),
      ...(net.enableIpv6 !== undefined ? { enableIpv6: net.enableIpv6 } : {}),
      ...(net.enableIpv4 !== undefined ? { enableIpv4: net.enableIpv4 } : {}),
      labels: { ...net.labels, [LABEL.project]: project.name, [LABEL.network]: key, [LABEL.version]: COMPOSE_LABEL_VERSION, [LABEL.devstack]: DEVSTACK_VERSION },
    });
    for (const missing of unsupported ?? []) onEvent({ type: 'notice', level: 'warn', message: notAppliedMessage(key, net, missing) });
    if (created) onEvent({ type: 'resource', kind: 'network', name: net.name, action: 'create' });
    else warnIfForeign('network', net.name, labels, project.name, onEvent);
  }
  for (const key of volumeKeys) {
    const vol = project.volumes[key];
    if (!vol) continue;
    if (vol.external) {
      if (!(await engine.volumeExists(vol.name))) throw missingExternal('volume', vol.name);
      continue;
    }
    const { created, labels } = await engine.ensureVolume({
      name: vol.name,
      ...(vol.driver ? { driver: vol.driver } : {}),
      ...(vol.driverOpts ? { driverOpts: vol.driverOpts } : {}),
      labels: { ...vol.labels, [LABEL.project]: project.name, [LABEL.volume]: key, [LABEL.version]: COMPOSE_LABEL_VERSION, [LABEL.devstack]: DEVSTACK_VERSION },
    });
    if (created) onEvent({ type: 'resource', kind: 'volume', name: vol.name, action: 'create' });
    else warnIfForeign('volume', vol.name, labels, project.name, onEvent);
  }
}

/** `file:line:col: networks.<key>.enable_ipv4 is not applied: …`, located where the file sets it. */
function notAppliedMessage(key: string, net: NetworkConfig, missing: UnsupportedField<keyof NetworkRequest>): string {
  const composeKey = missing.field === 'enableIpv4' ? 'enable_ipv4' : missing.field;
  const at = missing.field === 'enableIpv4' && net.enableIpv4Source ? `${formatLocation(net.enableIpv4Source)}: ` : '';
  return `${at}networks.${key}.${composeKey} is not applied: the engine's API ${missing.apiVersion} predates it (needs ${missing.needsApiVersion})`;
}

function missingExternal(kind: 'network' | 'volume', name: string): DevstackError {
  return new DevstackError('compose', `external ${kind} "${name}" does not exist`, {
    hint: `Create it first (docker ${kind} create ${name}), or drop external: true.`,
  });
}

/** One line when an existing network or volume was not made for this project (compose warns the same way). */
function warnIfForeign(kind: 'network' | 'volume', name: string, labels: Record<string, string> | undefined, project: string, onEvent: EventSink): void {
  const owner = labels?.[LABEL.project];
  if (labels === undefined || owner === project) return;
  const made = owner === undefined ? 'was not created by devstack or compose' : `belongs to project ${owner}`;
  onEvent({
    type: 'notice',
    level: 'warn',
    message: `${kind} ${name} already exists and ${made}; using it as it is (declare it \`external: true\` to say so)`,
  });
}

/**
 * Two networks of the project with one name make every name lookup ambiguous. Keeps the one containers use
 * (else the oldest) and removes the empty others; when several are in use, says how to get out.
 */
export async function healDuplicateNetworks(engine: NetworkVolumePort, project: string, onEvent: EventSink): Promise<void> {
  const ours = (await engine.listProjectNetworks(project)).filter((n) => n.labels[LABEL.project] === project);
  const byName = new Map<string, typeof ours>();
  for (const n of ours) byName.set(n.name, [...(byName.get(n.name) ?? []), n]);
  for (const [name, copies] of byName) {
    if (copies.length < 2) continue;
    const withUse = await Promise.all(copies.map(async (n) => ({ ...n, containers: await engine.networkContainers(n.id) })));
    withUse.sort((a, b) => b.containers.length - a.containers.length || (a.created ?? '').localeCompare(b.created ?? ''));
    const [keep, ...others] = withUse as [(typeof withUse)[number], ...typeof withUse];
    const busy = others.filter((n) => n.containers.length > 0);
    if (busy.length > 0) {
      throw new DevstackError('engine', `project ${project} has ${copies.length} networks named ${name}, and more than one is in use (${withUse.map((n) => `${n.id.slice(0, 12)}: ${n.containers.join(', ') || 'empty'}`).join('; ')})`, {
        hint: `Run \`devstack down\` for this project (it removes its containers and all these networks), then \`devstack up\`.`,
      });
    }
    for (const n of others) await engine.removeNetwork(n.id);
    const why = keep.containers.length > 0 ? `in use by ${keep.containers.join(', ')}` : 'the oldest';
    onEvent({
      type: 'notice',
      level: 'warn',
      message: `network ${name} existed ${copies.length} times (left by runs that raced or were killed); kept ${keep.id.slice(0, 12)} (${why}), removed the empty ${others.map((n) => n.id.slice(0, 12)).join(', ')}`,
    });
  }
}
