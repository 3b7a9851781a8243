// After a service changed under its dependents (rebuilt by `watch`, its data reset by `reset-db`): restart the
// running services that declare `depends_on: { SERVICE: { restart: true } }`, as compose does, so they reconnect
// and run their start-up work again. Returns the ones restarted, and the running dependents left as they are.
import type { ContainerPort } from '../core/engine.js';
import type { EventSink } from '../core/events.js';
import { LABEL } from '../core/labels.js';
import type { Project } from '../core/model.js';

const DEFAULT_STOP_TIMEOUT_S = 10;

export interface RestartDependentsRequest {
  project: Project;
  service: string;
  /** Why, for the notice: "rebuilt", "its data was reset". */
  because: string;
  signal: AbortSignal;
  onEvent: EventSink;
}

export async function restartDependents(engine: ContainerPort, req: RestartDependentsRequest): Promise<{ restarted: string[]; notRestarted: string[] }> {
  const dependents = Object.values(req.project.services).filter((s) => s.dependsOn[req.service] !== undefined);
  if (dependents.length === 0) return { restarted: [], notRestarted: [] };
  const containers = await engine.listProjectContainers(req.project.name);
  const restarted: string[] = [];
  const notRestarted: string[] = [];
  for (const dependent of dependents) {
    const running = containers.filter((c) => c.labels[LABEL.service] === dependent.name && c.labels[LABEL.oneoff] !== 'True' && c.status === 'running');
    if (running.length === 0) continue;
    if (dependent.dependsOn[req.service]?.restart !== true) {
      notRestarted.push(dependent.name);
      continue;
    }
    for (const c of running) {
      req.signal.throwIfAborted();
      await engine.restartContainer(c.id, Math.round((dependent.stopGracePeriodMs ?? DEFAULT_STOP_TIMEOUT_S * 1000) / 1000));
    }
    req.onEvent({ type: 'notice', level: 'info', service: dependent.name, message: `${dependent.name}: restarted (${req.service} ${req.because}; it depends on it with restart: true)` });
    restarted.push(dependent.name);
  }
  return { restarted, notRestarted };
}
