// `up --scale SERVICE=N` (repeatable): the number of containers a service runs this time, over what the compose
// file says (`scale`, `deploy.replicas`), as docker compose's flag does.
import { DevstackError } from '../core/errors.js';
import type { Project } from '../core/model.js';

export function applyScaleOverrides(project: Project, entries: readonly string[]): Project {
  if (entries.length === 0) return project;
  const services = { ...project.services };
  for (const entry of entries) {
    const match = /^([^=]+)=(\d+)$/.exec(entry.trim());
    if (!match) {
      throw new DevstackError('usage', `--scale ${JSON.stringify(entry)}: expected SERVICE=NUMBER`, { hint: 'e.g. --scale web=3 (0 or more)' });
    }
    const [, name, count] = match as unknown as [string, string, string];
    const service = services[name];
    if (!service) {
      const known = Object.keys(project.services).join(', ');
      throw new DevstackError('not-found', `--scale ${entry}: no service "${name}" in the project`, { hint: `Services: ${known || '(none)'}` });
    }
    const scale = Number(count);
    if (scale > 1 && service.containerName !== undefined) {
      throw new DevstackError('compose', `--scale ${entry}: service "${name}" sets container_name, so it runs one container (names are unique)`, {
        location: service.source,
        hint: `Drop container_name from ${name} to scale it.`,
      });
    }
    services[name] = { ...service, scale };
  }
  return { ...project, services };
}
