// The uid/gid a dev container's user should have so that a bind-mounted project folder is its own: devstack
// offers them to compose files as DEVSTACK_UID / DEVSTACK_GID (`init` writes them into build.args). On Linux a
// rootful engine keeps the host's owners on a bind mount, so the ids are the project folder's owner. A rootless
// engine maps the container's root to the user who runs it, so root (0) is the developer there. Docker Desktop
// (macOS, Windows, and its Linux VM) maps owners itself, and a remote engine sees none of this machine's folders:
// there the default, 1000, is as good as any and matches the first user of most Linux images and hosts.

export interface DevUserFacts {
  platform: string;
  /** DOCKER_HOST, when set. */
  dockerHost?: string;
  /** Owner of the project folder (stat), when it could be read. */
  owner?: { uid: number; gid: number };
}

export type DevUserIdsReason = 'folder-owner' | 'rootless-engine' | 'engine-maps-owners' | 'remote-engine' | 'unknown-owner';
export interface DevUserIds { uid: number; gid: number; reason: DevUserIdsReason }

export const DEFAULT_DEV_ID = 1000;

export function devUserIds(facts: DevUserFacts): DevUserIds {
  const fallback = (reason: DevUserIdsReason): DevUserIds => ({ uid: DEFAULT_DEV_ID, gid: DEFAULT_DEV_ID, reason });
  if (facts.platform !== 'linux') return fallback('engine-maps-owners');
  const host = facts.dockerHost ?? '';
  if (host !== '' && !host.startsWith('unix://')) return fallback('remote-engine');
  if (host.includes('/.docker/desktop/')) return fallback('engine-maps-owners');
  if (/^unix:\/\/\/run\/user\/\d+\//.test(host)) return { uid: 0, gid: 0, reason: 'rootless-engine' };
  if (!facts.owner) return fallback('unknown-owner');
  return { uid: facts.owner.uid, gid: facts.owner.gid, reason: 'folder-owner' };
}

/** The variables a compose file reads: `${DEVSTACK_UID:-1000}`. */
export function devUserEnvironment(ids: DevUserIds): Record<string, string> {
  return { DEVSTACK_UID: String(ids.uid), DEVSTACK_GID: String(ids.gid) };
}
