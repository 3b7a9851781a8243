// `watch` on a remote engine: the project volumes that stand in for bind-mounted folders (remote-bind-volumes.ts)
// are kept in step with this host's folders, as a bind mount would be. Each such volume gets an implicit sync
// rule (the folder → the volume, its .dockerignore honoured, deletions too), written through a small keeper
// container that mounts the volume read-write: so a service that mounts it `:ro` sees edits too, every container
// sharing the volume sees the same files, and a service that crashed does not stop the sync. The keeper runs the
// image of a running container that mounts the volume (the only images sure to be on that engine) with `sh`;
// it is labelled one-off (ps, logs and plans leave it out) and removed when the watch session ends.
// A bind-mounted single file (copied into the container at `up`) is a sync rule of its own into the service's
// running container: an edit here is copied there again (never back).
// With `initialSync` (a `watch` started on its own, after `up`), every folder and file is copied once at the start,
// as `up` fills them, so what changed here in between reaches the engine too (a deletion in between stays, as with
// `up`; from then on deletions are synced).
import { randomBytes } from 'node:crypto';
import type { ContainerPort, ExecPort } from '../core/engine.js';
import type { EventSink } from '../core/events.js';
import type { FileWatchPort, RuleSyncHandle } from '../core/file-watch.js';
import { LABEL, runningServiceContainer } from '../core/labels.js';
import type { Project, WatchRule } from '../core/model.js';
import { planRemoteBinds, type HostPathKind } from '../core/remote-binds.js';

/** Where the keeper container mounts the volume. */
const KEEPER_MOUNT = '/devstack-bind';
/** Waits for TERM without any tool beyond the shell (busybox or not). */
const KEEPER_SCRIPT = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done';

export interface BindSyncRequest {
  engine: ContainerPort & ExecPort;
  files: FileWatchPort;
  project: Project;
  kindOf: (hostPath: string) => HostPathKind;
  /** The running container of a service (for single files). */
  findContainer: (service: string) => Promise<string | undefined>;
  onEvent: EventSink;
  /** Copy everything once at the start (the volumes may be older than this host's folders); default: no. */
  initialSync?: boolean;
}

export interface BindVolumeSyncs {
  rules: RuleSyncHandle[];
  /** Removes the keeper containers. */
  close(): Promise<void>;
}

/** One sync rule per carried folder, each with its keeper container started; none when no folder is carried. */
export async function bindVolumeSyncs(req: BindSyncRequest): Promise<BindVolumeSyncs> {
  const { engine, project } = req;
  const plan = planRemoteBinds(project, req.kindOf);
  const byVolume = new Map<string, { hostDir: string; services: string[] }>();
  for (const c of plan.copies) {
    const entry = byVolume.get(c.volumeName) ?? { hostDir: c.hostDir, services: [] };
    entry.services.push(c.service);
    byVolume.set(c.volumeName, entry);
  }
  const keepers: string[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(keepers.splice(0).map((id) => engine.removeContainer(id, { force: true, removeVolumes: false }).catch(() => undefined)));
  };
  const rules: RuleSyncHandle[] = [];
  for (const file of plan.files) {
    const service = project.services[file.service];
    if (!service) continue;
    const rule: WatchRule = { action: 'sync', path: file.hostFile, target: file.target, ignore: [], include: [], initialSync: req.initialSync === true };
    rules.push(await req.files.createRuleSync({ service, rule, engine, findContainer: req.findContainer, copy: true, stopTimeoutS: 0 }));
  }
  if (byVolume.size === 0) return { rules, close };
  const containers = await engine.listProjectContainers(project.name);
  try {
    for (const [volumeName, { hostDir, services }] of byVolume) {
      const running = services.map((s) => runningServiceContainer(containers, s)).find((c) => c !== undefined);
      const service = project.services[services[0] as string];
      if (!running || !service) {
        req.onEvent({ type: 'notice', level: 'warn', message: `${services.join(', ')}: no running container; ${hostDir} is not kept in sync with volume ${volumeName}` });
        continue;
      }
      const keeperId = await startKeeper(engine, project.name, volumeName, running.imageId ?? running.image);
      keepers.push(keeperId);
      const rule: WatchRule = { action: 'sync', path: hostDir, target: KEEPER_MOUNT, ignore: [], include: [], initialSync: req.initialSync === true };
      rules.push(
        await req.files.createRuleSync({
          service,
          rule,
          engine,
          findContainer: () => Promise.resolve(keeperId),
          copy: true,
          stopTimeoutS: 0,
          dockerignoreDir: hostDir,
        }),
      );
      req.onEvent({ type: 'notice', level: 'info', service: service.name, message: `${service.name}: ${hostDir} kept in sync with volume ${volumeName} (remote engine)` });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { rules, close };
}

async function startKeeper(engine: ContainerPort, project: string, volumeName: string, image: string): Promise<string> {
  const id = await engine.createContainer({
    name: `${volumeName}_sync_${randomBytes(3).toString('hex')}`,
    image,
    labels: { [LABEL.project]: project, [LABEL.oneoff]: 'True' },
    env: {},
    entrypoint: ['/bin/sh', '-c', KEEPER_SCRIPT],
    cmd: [],
    user: '0',
    tty: false,
    openStdin: false,
    extraHosts: [],
    networks: [],
    networkMode: 'none',
    ports: [],
    exposedPorts: [],
    mounts: [{ type: 'volume', source: volumeName, target: KEEPER_MOUNT, readOnly: false }],
  });
  try {
    await engine.startContainer(id);
  } catch (err) {
    await engine.removeContainer(id, { force: true, removeVolumes: false }).catch(() => undefined);
    throw err;
  }
  return id;
}
