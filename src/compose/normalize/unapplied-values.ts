// Service settings that compose (or Swarm) applies and devstack does not, found by their value or below the
// service's first level: each gets one warning at its file:line:col rather than being dropped silently. The keys
// that are never applied whatever their value are in host-options.ts (NOT_APPLIED).
import { formatLocation } from '../../core/errors.js';
import type { MapEntry, Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';

const SWARM_ONLY = 'a Swarm setting (docker compose ignores it too)';

/** deploy keys only Swarm reads; `mode` only when it is not the default `replicated`. */
const SWARM_DEPLOY_KEYS = ['endpoint_mode', 'labels', 'placement', 'update_config', 'rollback_config'];

export function warnUnappliedValues(service: Node, name: string, warnings: string[]): void {
  const warn = (entry: MapEntry | undefined, path: string, why: string): void => {
    if (entry !== undefined) warnings.push(`${formatLocation(entry.keyLoc)}: services.${name}.${path} is not applied: ${why}`);
  };
  if (!isMap(service)) return;
  const other = (entry: MapEntry | undefined, value: string): MapEntry | undefined =>
    entry !== undefined && scalarText(entry.value) !== value ? entry : undefined;

  warn(other(service.entries.get('attach'), 'true'), 'attach', "devstack shows every service's logs (up --watch, logs)");
  const deploy = child(service, 'deploy');
  if (isMap(deploy)) {
    warn(other(deploy.entries.get('mode'), 'replicated'), 'deploy.mode', SWARM_ONLY);
    for (const key of SWARM_DEPLOY_KEYS) warn(deploy.entries.get(key), `deploy.${key}`, SWARM_ONLY);
    const reservations = child(child(deploy, 'resources'), 'reservations');
    if (isMap(reservations)) warn(reservations.entries.get('generic_resources'), 'deploy.resources.reservations.generic_resources', SWARM_ONLY);
  }
  warnVolumeOptions(child(service, 'volumes'), warn);
  const envFiles = child(service, 'env_file');
  (isSeq(envFiles) ? envFiles.items : []).forEach((item, i) => {
    if (isMap(item)) warn(other(item.entries.get('format'), 'dotenv'), `env_file[${i}].format`, 'devstack reads env files in the dotenv format');
  });
}

type Warn = (entry: MapEntry | undefined, path: string, why: string) => void;

/** Long-syntax volume options the container request does not carry. */
function warnVolumeOptions(volumes: Node | undefined, warn: Warn): void {
  if (!isSeq(volumes)) return;
  volumes.items.forEach((item, i) => {
    const bind = child(item, 'bind');
    const recursive = isMap(bind) ? bind.entries.get('recursive') : undefined;
    if (recursive !== undefined && scalarText(recursive.value) !== 'enabled') {
      warn(recursive, `volumes[${i}].bind.recursive`, 'devstack mounts a bind with its submounts, as the engine does by default');
    }
    const volume = child(item, 'volume');
    if (isMap(volume)) warn(volume.entries.get('labels'), `volumes[${i}].volume.labels`, 'label the volume where it is declared (top-level volumes)');
  });
}
