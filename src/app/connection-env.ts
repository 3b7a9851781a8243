// `devstack env`: host-facing connection settings (DATABASE_URL, REDIS_URL, <SERVICE>_PORT_<N>, ...) from the
// compose model and what the running containers actually publish.
import { deriveConnectionEnv, type ConnectionEnv } from '../core/connection-env.js';
import type { ContainerQueryPort, EngineReachPort } from '../core/engine.js';
import type { Project } from '../core/model.js';
import { forwardNote } from '../core/remote-addresses.js';
import { runningServices } from './ports-view.js';

export async function connectionEnv(req: { project: Project }, deps: { engine: ContainerQueryPort & EngineReachPort }): Promise<ConnectionEnv> {
  const { project } = req;
  const running = await runningServices(project.name, deps.engine);
  // Compose order; a service with several containers (scale) uses its first one.
  const services = Object.values(project.services).map((service) => ({
    service,
    published: running.find((r) => r.service === service.name)?.published ?? [],
  }));
  const env = deriveConnectionEnv(services);
  const note = forwardNote(deps.engine.location, running.flatMap((r) => r.published));
  return note === undefined ? env : { ...env, notes: [...env.notes, note] };
}
