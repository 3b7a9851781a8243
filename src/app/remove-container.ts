// Removing a project's container together with its anonymous volumes (`down --volumes`, `reset-db`). The engine's
// own `rm -v` removes only the anonymous volumes it created for that container; one a recreate handed over by its
// generated name (so the data survived the recreate) it keeps. Those go here too, once no container uses them.
import { isAnonymousVolumeName } from '../core/container-spec.js';
import type { ContainerPort, NetworkVolumePort } from '../core/engine.js';
import type { EventSink } from '../core/events.js';

/** Removes the container and its anonymous volumes; returns the names of the volumes removed by name. */
export async function removeWithAnonymousVolumes(engine: ContainerPort & NetworkVolumePort, id: string, onEvent: EventSink): Promise<string[]> {
  const details = await engine.inspectContainer(id).catch(() => undefined);
  const anonymous = (details?.mounts ?? []).filter((m) => m.type === 'volume' && isAnonymousVolumeName(m.name)).map((m) => m.name as string);
  await engine.removeContainer(id, { force: true, removeVolumes: true });
  const removed: string[] = [];
  for (const name of anonymous) {
    if (!(await engine.volumeExists(name))) continue; // the engine removed it with the container
    try {
      await engine.removeVolume(name);
      removed.push(name);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      onEvent({ type: 'notice', level: 'warn', message: `kept anonymous volume ${name.slice(0, 12)} of ${details?.name ?? id}: ${why}` });
    }
  }
  return removed;
}
