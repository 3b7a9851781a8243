// `up` on a remote engine: project folders that services bind-mount become project volumes (core/remote-binds.ts),
// filled from this host just before each service's container is made, so the container sees the files it would
// see locally. Files are added and overwritten at each `up`; a file deleted here stays in the volume until
// `down --volumes`, unless `up --watch` / `watch` runs: it keeps the volumes in step (remote-bind-sync.ts).
// A bind-mounted single file is copied into the service's container instead (see core/remote-binds.ts).
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ExecPort, NetworkVolumePort } from '../core/engine.js';
import { ComposeError, isDevstackError } from '../core/errors.js';
import { LABEL } from '../core/labels.js';
import type { Project } from '../core/model.js';
import { planRemoteBinds, type HostPathKind } from '../core/remote-binds.js';
import type { EventSink } from '../core/events.js';

export interface RemoteBindDeps {
  kindOf: (hostPath: string) => HostPathKind;
  /** The folder as a tar stream (.dockerignore honoured), confined to the project folder. */
  archive: (dir: string, confineTo: string) => Promise<Readable>;
  /** The file as a tar stream of one entry named `entryPath` (its folders as entries too), confined likewise. */
  fileArchive: (file: string, entryPath: string, confineTo: string) => Promise<Readable>;
}

export interface CarriedBinds {
  project: Project;
  /** Fills the service's bind volumes (once per run each) through a container of its image. */
  fill: (service: string, imageRef: string) => Promise<void>;
  /** Copies the service's bind-mounted single files into its container (created, not started yet, or kept). */
  putFiles: (service: string, containerId: string) => Promise<void>;
}

/** Throws the located issues (all of them) when a bind mount cannot be carried. */
export function carryBindMounts(engine: NetworkVolumePort & ExecPort, project: Project, deps: RemoteBindDeps, onEvent: EventSink): CarriedBinds {
  const plan = planRemoteBinds(project, deps.kindOf);
  if (plan.issues.length > 0) throw new ComposeError(plan.issues, 'Use a named volume, copy the files in the image, or run against a local engine.');
  const filled = new Map<string, Promise<void>>();
  const fill = async (service: string, imageRef: string): Promise<void> => {
    for (const copy of plan.copies.filter((c) => c.service === service)) {
      let done = filled.get(copy.volumeName);
      if (!done) {
        const fillVolume = engine.fillVolume.bind(engine);
        done = (async () => {
          await fillVolume(copy.volumeName, imageRef, await deps.archive(copy.hostDir, project.workingDir), { [LABEL.project]: project.name, [LABEL.oneoff]: 'True' });
          onEvent({ type: 'notice', level: 'info', service, message: `${service}: ${copy.hostDir} copied into volume ${copy.volumeName} for ${copy.target} (remote engine)` });
        })();
        filled.set(copy.volumeName, done);
      }
      await done;
    }
  };
  const putFiles = async (service: string, containerId: string): Promise<void> => {
    for (const file of plan.files.filter((f) => f.service === service)) {
      await putFile(engine, containerId, file.target, (entryPath) => deps.fileArchive(file.hostFile, entryPath, project.workingDir));
    }
  };
  return { project: plan.project, fill, putFiles };
}

/**
 * Puts one file at `target` through the archive endpoint, which extracts into a folder that must exist: when the
 * target's folder is missing from the image, the tar is rooted one folder up (with the missing folder as an
 * entry), and so on — folders the image has are never in the tar, so their owner and mode stay as they are.
 */
export async function putFile(engine: ExecPort, containerId: string, target: string, archive: (entryPath: string) => Promise<Readable>): Promise<void> {
  let dir = path.posix.dirname(target);
  let entryPath = path.posix.basename(target);
  for (;;) {
    try {
      await engine.putArchive(containerId, dir, await archive(entryPath));
      return;
    } catch (err) {
      if (!(isDevstackError(err) && err.kind === 'not-found') || dir === '/') throw err;
      entryPath = `${path.posix.basename(dir)}/${entryPath}`;
      dir = path.posix.dirname(dir);
    }
  }
}
