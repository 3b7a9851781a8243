// Which services bind-mount a project folder their container user cannot read (or write, where the mount is not
// read-only): shared by `doctor` (one finding each) and `up` (one warning). The user is the service's `user:`,
// else the final USER of its Dockerfile (build args expanded), else the image's configured user when the engine
// is asked; a name is mapped through the Dockerfile's RUN lines that create the user, and one the base image
// brings (node's `node`) cannot be mapped without running the image, and is skipped.
import path from 'node:path';
import { bindMountProblems, dockerfileUser, numericUser, userFromDockerfile, type BindMountProblem, type ContainerUser, type FolderOwner } from '../core/bind-mount-access.js';
import { formatLocation } from '../core/errors.js';
import type { Project, ServiceConfig } from '../core/model.js';

export interface BindMountFacts {
  /** Owner and mode of a folder; undefined when it is not a folder (or cannot be read). */
  folderOwner: (hostPath: string) => FolderOwner | undefined;
  dockerfileText: (service: ServiceConfig) => Promise<string | undefined>;
  /** The image's configured user ('' for root); undefined when it cannot be told (no such image here). */
  imageUser?: (ref: string) => Promise<string | undefined>;
}

const inside = (dir: string, p: string): boolean => {
  const r = path.relative(dir, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

/** The numeric user the service runs as; a name is mapped through the Dockerfile's RUN lines that create it. */
async function userOf(service: ServiceConfig, facts: BindMountFacts): Promise<ContainerUser | undefined> {
  const text = service.build ? await facts.dockerfileText(service) : undefined;
  let spec: string | undefined;
  if (service.user !== undefined) spec = service.user;
  else if (service.build) spec = text === undefined ? undefined : dockerfileUser(text, service.build.args, service.build.target);
  else if (service.image && facts.imageUser) spec = await facts.imageUser(service.image);
  if (spec === undefined) return undefined;
  return numericUser(spec) ?? (text === undefined ? undefined : userFromDockerfile(text, spec));
}

export async function findBindMountProblems(project: Project, services: ServiceConfig[], facts: BindMountFacts): Promise<BindMountProblem[]> {
  const problems: BindMountProblem[] = [];
  for (const service of services) {
    const binds = service.volumes.flatMap((v) => (v.type === 'bind' && inside(project.workingDir, v.source) ? [v] : []));
    if (binds.length === 0) continue;
    const folders = binds.flatMap((b) => {
      const owner = facts.folderOwner(b.source);
      const shown = path.relative(project.workingDir, b.source);
      if (!owner) return [];
      return [{ source: b.source, target: b.target, readOnly: b.readOnly, owner, shownAs: shown === '' ? 'the project folder' : `./${shown}`, ...(b.location ? { location: b.location } : {}) }];
    });
    if (folders.length === 0) continue;
    const user = await userOf(service, facts);
    if (!user) continue;
    problems.push(...bindMountProblems(service, user, folders));
  }
  return problems;
}

/** `up`'s one warning for all of them: each problem at its volume entry, then the fix (doctor says it per service). */
export function bindMountWarning(problems: BindMountProblem[]): string | undefined {
  if (problems.length === 0) return undefined;
  const first = problems[0]!;
  return `${problems.map((p) => `${formatLocation(p.location)}: ${p.message}`).join('; ')}. ${first.hint} (\`devstack doctor\` names each.)`;
}
