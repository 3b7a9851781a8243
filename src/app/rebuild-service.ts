// `watch`'s rebuild rule: build one service's image and recreate only its container (what it depends on is
// kept, as `up SERVICE` keeps it), with fresh anonymous volumes; then restart the running services that
// declare `depends_on: { SERVICE: { restart: true } }`.
import type { Engine } from '../core/engine.js';
import type { EventSink } from '../core/events.js';
import { LABEL } from '../core/labels.js';
import type { Project } from '../core/model.js';
import { up, type UpDeps, type UpResult } from './up.js';

export interface RebuildRequest {
  project: Project;
  service: string;
  /** The `up` settings the watch session runs with. */
  strictPorts: boolean;
  waitTimeoutMs: number;
  stateDir: string;
  signal: AbortSignal;
  onEvent: EventSink;
}

export interface RebuildResult {
  up: UpResult;
  /** Dependents restarted because they declare `restart: true` on the service. */
  restarted: string[];
}

const DEFAULT_STOP_TIMEOUT_S = 10;

export async function rebuildService(req: RebuildRequest, deps: UpDeps): Promise<RebuildResult> {
  const { project, service } = req;
  const result = await up(
    {
      project,
      services: [service],
      rebuild: [service],
      forceRecreate: false,
      removeOrphans: false,
      build: false,
      strictPorts: req.strictPorts,
      resetPorts: false,
      waitTimeoutMs: req.waitTimeoutMs,
      stateDir: req.stateDir,
      signal: req.signal,
      onEvent: req.onEvent,
    },
    deps,
  );
  const restarted = await restartDependents(deps.engine, req);
  return { up: result, restarted };
}

async function restartDependents(engine: Engine, req: RebuildRequest): Promise<string[]> {
  const dependents = Object.values(req.project.services).filter((s) => s.dependsOn[req.service]?.restart === true);
  if (dependents.length === 0) return [];
  const containers = await engine.listProjectContainers(req.project.name);
  const restarted: string[] = [];
  for (const dependent of dependents) {
    const running = containers.filter(
      (c) => c.labels[LABEL.service] === dependent.name && c.labels[LABEL.oneoff] !== 'True' && c.status === 'running',
    );
    for (const c of running) {
      req.signal.throwIfAborted();
      await engine.restartContainer(c.id, Math.round((dependent.stopGracePeriodMs ?? DEFAULT_STOP_TIMEOUT_S * 1000) / 1000));
      req.onEvent({ type: 'notice', level: 'info', service: dependent.name, message: `${dependent.name}: restarted (it depends on ${req.service} with restart: true)` });
    }
    if (running.length > 0) restarted.push(dependent.name);
  }
  return restarted;
}
