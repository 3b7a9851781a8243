// Which services an `up SERVICE...` touches: the named ones and everything they depend on.
import { DevstackError } from '../core/errors.js';
import type { DependencyGraph } from '../core/graph.js';
import type { Project } from '../core/model.js';

export function selectServices(project: Project, graph: DependencyGraph, requested: string[]): string[] {
  const known = Object.keys(project.services);
  for (const name of requested) {
    if (project.services[name]) continue;
    const inactive = project.inactiveServices.includes(name);
    throw new DevstackError('not-found', `no such service: ${name}`, {
      hint: inactive
        ? `${name} is in a profile that is not enabled: add --profile for it.`
        : `Services in this project: ${known.sort().join(', ') || '(none)'}.`,
    });
  }
  for (const [name, service] of Object.entries(project.services)) {
    for (const [dep, d] of Object.entries(service.dependsOn)) {
      if (project.services[dep] || !d.required) continue;
      throw new DevstackError('compose', `service "${name}" depends on "${dep}", which is not enabled`, {
        location: service.source,
        hint: `Enable the profile that ${dep} belongs to (--profile), or mark the dependency required: false.`,
      });
    }
  }
  return requested.length === 0 ? graph.services : graph.withDependencies(requested);
}
