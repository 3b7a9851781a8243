// `devstack down`: stop and remove the project's containers (dependents first) and its networks.
// Named volumes stay unless --volumes, and then only after confirmation. Only labelled objects are touched.
import type { ContainerInfo, ContainerPort, NetworkVolumePort } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { DependencyGraph, walkGraph } from '../core/graph.js';
import { LABEL } from '../core/labels.js';
import type { ServiceConfig } from '../core/model.js';
import { removeWithAnonymousVolumes } from './remove-container.js';

export interface DownRequest {
  projectName: string;
  /** The project's services when the compose file could be read (for stop order); {} otherwise. */
  services: Record<string, Pick<ServiceConfig, 'dependsOn'>>;
  removeVolumes: boolean;
  /** Asked before volumes are deleted; false keeps them and fails. */
  confirmVolumeRemoval: (volumes: string[]) => Promise<boolean>;
  stopTimeoutS: number;
  signal: AbortSignal;
  onEvent: EventSink;
}

export interface DownResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export async function down(req: DownRequest, deps: { engine: ContainerPort & NetworkVolumePort }): Promise<DownResult> {
  const { engine } = deps;
  const { onEvent } = req;
  const containers = (await engine.listProjectContainers(req.projectName)).filter(ownedBy(req.projectName));
  const volumes = req.removeVolumes
    ? (await engine.listProjectVolumes(req.projectName)).filter((v) => v.labels[LABEL.project] === req.projectName).map((v) => v.name)
    : [];
  if (volumes.length > 0 && !(await req.confirmVolumeRemoval(volumes))) {
    throw new DevstackError('usage', 'not removing volumes: not confirmed', {
      hint: 'Run again and answer yes, or pass --yes to remove volumes without asking.',
    });
  }

  // Stop order: dependents before their dependencies; containers of unknown services go in the first wave.
  const byService = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const s = c.labels[LABEL.service] ?? c.name;
    byService.set(s, [...(byService.get(s) ?? []), c]);
  }
  const graphServices: Record<string, Pick<ServiceConfig, 'dependsOn'>> = {};
  for (const s of byService.keys()) graphServices[s] = req.services[s] ?? { dependsOn: {} };
  const graph = new DependencyGraph(graphServices);
  const removed: string[] = [];
  const outcomes = await walkGraph(graph, {
    direction: 'down',
    concurrency: 4,
    signal: req.signal,
    visit: async (service) => {
      // The replicas of a scaled service stop together (as compose stops them), not one stop timeout after another.
      const gone = await Promise.all(
        (byService.get(service) ?? []).map(async (c) => {
          onEvent({ type: 'service', service, phase: 'stop' });
          if (c.status === 'running' || c.status === 'restarting' || c.status === 'paused') await engine.stopContainer(c.id, req.stopTimeoutS);
          onEvent({ type: 'service', service, phase: 'remove' });
          if (req.removeVolumes) await removeWithAnonymousVolumes(engine, c.id, onEvent);
          else await engine.removeContainer(c.id, { force: true, removeVolumes: false });
          onEvent({ type: 'resource', kind: 'container', name: c.name, action: 'remove' });
          return c.name;
        }),
      );
      removed.push(...gone);
    },
  });
  const failed = outcomes.find((o) => o.status === 'failed');
  if (failed && 'error' in failed) throw failed.error;

  const networks: string[] = [];
  for (const n of await engine.listProjectNetworks(req.projectName)) {
    if (n.labels[LABEL.project] !== req.projectName) continue;
    await engine.removeNetwork(n.id); // by id: a duplicate left by a crash makes the name ambiguous
    onEvent({ type: 'resource', kind: 'network', name: n.name, action: 'remove' });
    networks.push(n.name);
  }
  for (const v of volumes) {
    await engine.removeVolume(v);
    onEvent({ type: 'resource', kind: 'volume', name: v, action: 'remove' });
  }
  return { containers: removed, networks, volumes };
}

function ownedBy(project: string) {
  return (c: ContainerInfo) => c.labels[LABEL.project] === project;
}
