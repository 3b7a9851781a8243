// Bind mounts on a remote engine: its host is not this host, so `./src:/app` would mount whatever folder of that
// name the remote has (usually none: an empty folder, silently). A folder inside the project becomes a volume the
// project owns (`<project>_bind_<folder>_<hash>`), filled from this host at `up` (see app/remote-bind-volumes.ts).
// A single file inside the project (`./nginx.conf:/etc/nginx/nginx.conf:ro`) is not mounted at all: it is copied
// into the container at its target once the container exists, before it starts. docker compose would send the
// bind as written, and the engine would mount its own host's path — creating an empty folder there when none
// exists, so nginx finds a directory where its config should be. The copy departs from a bind: writes from the
// container do not come back, and `:ro` is not enforced (the file is in the container's own layer).
// Anything else (a path outside the project, a socket or a device) is a located error, not a silent mount.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ComposeIssue } from './errors.js';
import type { Project, ServiceConfig, VolumeMount } from './model.js';

export type HostPathKind = 'directory' | 'file' | 'other' | 'missing';

export interface BindCopy {
  service: string;
  /** The volume's key in project.volumes and its engine-side name. */
  volumeKey: string;
  volumeName: string;
  /** The folder on this host. */
  hostDir: string;
  target: string;
}

/** A single file copied into the service's container at `target` (not mounted). */
export interface BindFile {
  service: string;
  hostFile: string;
  target: string;
}

export interface RemoteBindPlan {
  project: Project;
  copies: BindCopy[];
  files: BindFile[];
  issues: ComposeIssue[];
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The volume key for a project folder: readable and unique (`bind_src_1a2b3c4d`). */
export function bindVolumeKey(projectDir: string, hostDir: string): string {
  const rel = path.relative(projectDir, hostDir) || '.';
  const readable = rel === '.' ? 'root' : rel.replace(/[^a-zA-Z0-9_.-]+/g, '_').slice(-40);
  return `bind_${readable}_${createHash('sha256').update(rel).digest('hex').slice(0, 8)}`;
}

/** `kindOf` says what each host path is (the only I/O, passed in). */
export function planRemoteBinds(project: Project, kindOf: (hostPath: string) => HostPathKind): RemoteBindPlan {
  const copies: BindCopy[] = [];
  const files: BindFile[] = [];
  const issues: ComposeIssue[] = [];
  const volumes = { ...project.volumes };
  const services: Record<string, ServiceConfig> = {};
  for (const [name, service] of Object.entries(project.services)) {
    const mounts = service.volumes.flatMap((mount): VolumeMount[] => {
      if (mount.type !== 'bind') return [mount];
      const kind = kindOf(mount.source);
      const problem = whyNotCarried(project.workingDir, mount.source, kind);
      if (problem) {
        issues.push({ location: mount.location ?? service.source, message: `service ${name}: bind mount ${mount.source}:${mount.target} ${problem}` });
        return [mount];
      }
      if (kind === 'file') {
        files.push({ service: name, hostFile: mount.source, target: mount.target });
        return [];
      }
      const volumeKey = bindVolumeKey(project.workingDir, mount.source);
      const volumeName = `${project.name}_${volumeKey}`;
      volumes[volumeKey] ??= { name: volumeName, external: false, labels: {} };
      copies.push({ service: name, volumeKey, volumeName, hostDir: mount.source, target: mount.target });
      return [{ type: 'volume', source: volumeKey, target: mount.target, readOnly: mount.readOnly, ...(mount.location ? { location: mount.location } : {}) }];
    });
    services[name] = { ...service, volumes: mounts };
  }
  return { project: { ...project, services, volumes }, copies, files, issues };
}

function whyNotCarried(projectDir: string, source: string, kind: HostPathKind): string | undefined {
  const fix = 'on a remote engine only folders and files inside the project are copied (folders into a project volume)';
  if (kind === 'other') return `is a socket, device or pipe of this host, which cannot be carried to a remote engine`;
  if (!isInside(projectDir, source)) return `is outside the project folder ${projectDir}: on a remote engine it would mount the engine host's own ${source}, not this host's; ${fix}`;
  if (kind === 'missing') return `names a path that does not exist on this host; ${fix}`;
  return undefined;
}
