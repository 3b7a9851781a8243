// The composition root: wires the real engine, compose loader, readiness probes and port planner into the use
// cases. Everything heavy is imported lazily, so `devstack --version` and `--help` load none of it.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../core/engine.js';
import type { FileWatchPort } from '../core/file-watch.js';
import type { Project, ServiceConfig } from '../core/model.js';
import type { BuildContextFacts } from '../core/build-context.js';
import type { InitDeps } from '../app/init.js';
import type { RemoteBindDeps } from '../app/remote-bind-volumes.js';
import type { HostPortPlanner } from '../core/host-port-plan.js';
import type { OpenPostgresAdmin } from '../core/postgres-admin.js';
import type { WaitForService } from '../core/service-wait.js';

export interface ProjectFlags {
  file?: string[];
  'project-name'?: string;
  profile?: string[];
  'env-file'?: string[];
}

export async function loadProjectFromFlags(flags: ProjectFlags, cwd = process.cwd(), opts: { printWarnings: boolean } = { printWarnings: true }): Promise<Project> {
  const { loadProject } = await import('../compose/index.js');
  const project = await loadProject({
    cwd,
    ...(flags.file ? { files: flags.file } : {}),
    ...(flags['project-name'] ? { projectName: flags['project-name'] } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    ...(flags['env-file'] ? { envFiles: flags['env-file'] } : {}),
    environment: process.env,
  });
  if (opts.printWarnings) for (const warning of project.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  return project;
}

/** The global --context flag, set once by the base command before a command runs. */
let contextFlag: string | undefined;

export function useDockerContext(name: string | undefined): void {
  contextFlag = name;
}

export async function openDockerEngine(signal?: AbortSignal): Promise<Engine> {
  const { openEngine } = await import('../engine/docker/docker-engine.js');
  const engine = await openEngine(process.env, signal, { contextFlag });
  if (engine.overridden) process.stderr.write(`warning: ${engine.overridden}\n`);
  return engine;
}

export async function readinessWaiter(): Promise<WaitForService> {
  const { waitForService } = await import('../engine/probes/wait-for-service.js');
  return waitForService;
}

export async function hostPortPlanner(): Promise<HostPortPlanner> {
  const { planHostPorts, pickReplacementPort, rememberReplacementPort } = await import('../engine/ports/plan-host-ports.js');
  return { plan: planHostPorts, pickReplacement: pickReplacementPort, rememberReplacement: rememberReplacementPort };
}

/** What `up` needs to carry bind-mounted project folders to a remote engine. */
export async function remoteBindDeps(): Promise<RemoteBindDeps> {
  const [{ createFolderArchive }, { hostPathKind }] = await Promise.all([import('../engine/docker/build-context.js'), import('../engine/project-files/host-path-kind.js')]);
  return { archive: createFolderArchive, kindOf: hostPathKind };
}

/** File watching and syncing into containers, for `watch` and `up --watch`. */
export async function fileWatcher(): Promise<FileWatchPort> {
  const { fileWatchPort } = await import('../engine/watch/file-watch-port.js');
  return fileWatchPort;
}

/** Where devstack keeps per-user state (remembered port remaps). */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  if (env.DEVSTACK_STATE_DIR) return env.DEVSTACK_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'devstack');
  return join(homedir(), '.local', 'state', 'devstack');
}

/**
 * For commands that act on a running stack (down, ps, logs): the project's name and services from the compose
 * file; when there is no compose file but -p names the project, the name alone is enough.
 */
export async function loadProjectForTeardown(
  flags: ProjectFlags,
): Promise<{ name: string; services: Project['services'] }> {
  try {
    const project = await loadProjectFromFlags(flags);
    return { name: project.name, services: project.services };
  } catch (e) {
    const name = flags['project-name'];
    if (name && e instanceof Error && 'kind' in e && (e as { kind: string }).kind === 'usage') return { name, services: {} };
    throw e;
  }
}

/** Postgres maintenance sessions and the init-script digest, for `reset-db` and `snapshot-db`. */
export async function postgresTools(): Promise<{
  openPostgresAdmin: OpenPostgresAdmin;
  digestHostPaths: (paths: string[]) => Promise<string>;
}> {
  const [{ openPostgresAdmin }, { digestHostPaths }] = await Promise.all([
    import('../engine/postgres/postgres-admin.js'),
    import('../engine/postgres/init-scripts-digest.js'),
  ]);
  return { openPostgresAdmin, digestHostPaths };
}

/** What `doctor` reads of each service's build context. */
export async function buildContextReader(): Promise<(service: ServiceConfig) => Promise<BuildContextFacts>> {
  const { readBuildContextFacts } = await import('../engine/docker/build-context-facts.js');
  return readBuildContextFacts;
}

/** The file side of `devstack init`: the project folder's package.json files, the templates, writing files. */
export async function initFiles(): Promise<InitDeps> {
  const files = await import('../engine/project-files/init-files.js');
  return { existingComposeFile: files.existingComposeFile, readFacts: files.readInitFacts, readTemplates: files.readInitTemplates, writeFiles: files.writeInitFiles };
}
