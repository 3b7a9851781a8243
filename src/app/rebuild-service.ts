// `watch`'s rebuild rule: build one service's image and recreate only its container (what it depends on is
// kept, as `up SERVICE` keeps it), with fresh anonymous volumes; then restart the running services that
// declare `depends_on: { SERVICE: { restart: true } }`.
import type { EventSink } from '../core/events.js';
import type { Project } from '../core/model.js';
import { restartDependents } from './restart-dependents.js';
import { up, type UpDeps, type UpResult } from './up.js';
import { nestedUpRequest } from './up-request.js';

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

export async function rebuildService(req: RebuildRequest, deps: UpDeps): Promise<RebuildResult> {
  const { project, service } = req;
  const result = await up(
    nestedUpRequest(project, [service], req, [service]),
    deps,
  );
  const { restarted } = await restartDependents(deps.engine, { ...req, because: 'was rebuilt' });
  return { up: result, restarted };
}
