// What `doctor` needs to know of a service's build context: whether it and its Dockerfile exist, the
// Dockerfile's text, whether a .dockerignore applies, and which lock files sit at its root.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BuildContextFacts } from '../../core/build-context.js';
import type { ServiceConfig } from '../../core/model.js';

const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

export async function readBuildContextFacts(service: ServiceConfig): Promise<BuildContextFacts> {
  const build = service.build!;
  const inline = build.dockerfileInline;
  // a dockerfile_inline is named as such where a path would be shown
  const dockerfile = inline === undefined ? path.resolve(build.context, build.dockerfile) : path.join(build.context, '(dockerfile_inline)');
  const contextExists = isDirectory(build.context);
  let dockerfileText: string | undefined = inline;
  try {
    dockerfileText ??= readFileSync(dockerfile, 'utf8');
  } catch {
    dockerfileText = undefined;
  }
  return {
    contextExists,
    dockerfile,
    ...(dockerfileText !== undefined ? { dockerfileText } : {}),
    hasDockerignore: existsSync(`${dockerfile}.dockerignore`) || existsSync(path.join(build.context, '.dockerignore')),
    lockFiles: contextExists ? LOCK_FILES.filter((f) => existsSync(path.join(build.context, f))) : [],
  };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
