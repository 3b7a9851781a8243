// The composition root: wires the real engine, compose loader, readiness probes and port planner into the use
// cases. Everything heavy is imported lazily, so `devstack --version` and `--help` load none of it.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devUserEnvironment, devUserIds } from '../core/dev-user-ids.js';
import type { Engine } from '../core/engine.js';
import type { FileWatchPort } from '../core/file-watch.js';
import type { Project, ServiceConfig } from '../core/model.js';
import type { LoadOptions } from '../compose/load-project.js';
import type { BuildContextFacts } from '../core/build-context.js';
import type { BindMountFacts } from '../app/bind-mount-check.js';
import type { DoctorHostPort } from '../app/doctor-host.js';
import type { InitDeps } from '../app/init.js';
import type { RemoteBindDeps } from '../app/remote-bind-volumes.js';
import type { HostPortPlanner } from '../core/host-port-plan.js';
import type { EventSink } from '../core/events.js';
import type { OpenPostgresAdmin } from '../core/postgres-admin.js';
import type { Exclusive } from '../core/project-lock.js';
import type { WaitForService } from '../core/service-wait.js';

export interface ProjectFlags {
  file?: string[];
  'project-directory'?: string;
  'project-name'?: string;
  profile?: string[];
  'env-file'?: string[];
}

/**
 * The project the flags name. `cached`: for commands that only read the project (ps, logs, ports, env), through
 * the cache of loaded projects in the state dir (src/compose/project-cache.ts): the same project, warnings
 * included, without parsing and validating files that have not changed.
 */
export async function loadProjectFromFlags(
  flags: ProjectFlags,
  cwd = process.cwd(),
  opts: { printWarnings?: boolean; cached?: boolean } = {},
): Promise<Project> {
  const load = async (options: LoadOptions) => (await import('../compose/index.js')).loadProject(options);
  const options: LoadOptions = {
    cwd,
    ...(flags.file ? { files: flags.file } : {}),
    ...(flags['project-directory'] ? { projectDirectory: flags['project-directory'] } : {}),
    ...(flags['project-name'] ? { projectName: flags['project-name'] } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    ...(flags['env-file'] ? { envFiles: flags['env-file'] } : {}),
    environment: process.env,
    defaultEnvironment: developerEnvironment,
  };
  let project: Project;
  if (opts.cached) {
    const { loadProjectCached, fileStamp } = await import('../compose/project-cache.js');
    const build = fileStamp(fileURLToPath(new URL('.', import.meta.url)));
    project = await loadProjectCached(options, { dir: join(stateDir(), 'projects'), build }, load);
  } else {
    project = await load(options);
  }
  if (opts.printWarnings ?? true) for (const warning of project.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
  return project;
}

/** The global --context flag, set once by the base command before a command runs. */
let contextFlag: string | undefined;

export function useDockerContext(name: string | undefined): void {
  contextFlag = name;
}

/** DEVSTACK_UID / DEVSTACK_GID for compose files that ask (see src/core/dev-user-ids.ts). */
function developerEnvironment(projectDir: string): Record<string, string> {
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = statSync(projectDir);
    owner = { uid: st.uid, gid: st.gid };
  } catch {
    owner = undefined;
  }
  return devUserEnvironment(devUserIds({ platform: process.platform, ...(process.env.DOCKER_HOST ? { dockerHost: process.env.DOCKER_HOST } : {}), ...(owner ? { owner } : {}) }));
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
  const [{ createFileArchive, createFolderArchive }, { hostPathKind }] = await Promise.all([import('../engine/docker/build-context.js'), import('../engine/project-files/host-path-kind.js')]);
  return { archive: createFolderArchive, fileArchive: createFileArchive, kindOf: hostPathKind };
}

/** File watching and syncing into containers, for `watch` and `up --watch`. */
export async function fileWatcher(): Promise<FileWatchPort> {
  const { fileWatchPort } = await import('../engine/watch/file-watch-port.js');
  return fileWatchPort;
}

/** How long a command waits for another devstack run on the same project when it has no limit of its own. */
export const LOCK_WAIT_LIMIT_MS = 300_000;

/**
 * Runs tasks on `project` one at a time across devstack processes (up, down, reset-db, snapshot-db, watch's
 * reloads and rebuilds): a second run waits, saying who holds the project, up to `waitLimitMs`.
 */
export async function projectExclusive(project: string, opts: { signal: AbortSignal; waitLimitMs: number; onEvent: EventSink }): Promise<Exclusive> {
  const [{ lockProject }, { exclusiveRun }] = await Promise.all([import('../engine/lock/project-lock.js'), import('../core/project-lock.js')]);
  const command = ['devstack', ...process.argv.slice(2)].join(' ').slice(0, 200);
  return exclusiveRun(lockProject, { project, command, ...opts });
}

/** Where devstack keeps per-user state (remembered port remaps, the cache of loaded projects). */
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
    const project = await loadProjectFromFlags(flags, process.cwd(), { cached: true });
    return { name: project.name, services: project.services };
  } catch (e) {
    const name = flags['project-name'];
    if (name && e instanceof Error && 'kind' in e && (e as { kind: string }).kind === 'usage') return { name, services: {} };
    throw e;
  }
}

/** Postgres maintenance sessions (reaching the server as probes do on `engine`) and the init-script digest, for `reset-db` and `snapshot-db`. */
export async function postgresTools(engine: Engine): Promise<{
  openPostgresAdmin: OpenPostgresAdmin;
  digestHostPaths: (paths: string[]) => Promise<string>;
}> {
  const [{ openPostgresAdmin }, { digestHostPaths }] = await Promise.all([
    import('../engine/postgres/postgres-admin.js'),
    import('../engine/postgres/init-scripts-digest.js'),
  ]);
  return { openPostgresAdmin: (container, project, signal) => openPostgresAdmin(container, project, signal, engine), digestHostPaths };
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

/** Folder owners and Dockerfiles, for `up`'s bind-mount warning. */
export async function bindMountFacts(): Promise<BindMountFacts> {
  const [{ folderOwner }, { readBuildContextFacts }] = await Promise.all([import('../engine/project-files/host-facts.js'), import('../engine/docker/build-context-facts.js')]);
  return { folderOwner, dockerfileText: async (service) => (await readBuildContextFacts(service)).dockerfileText };
}

/** This machine's side of `doctor` (and `up`'s bind-mount warning): sockets, env files, folders, inotify, disk. */
export async function doctorHostPort(): Promise<DoctorHostPort> {
  const [facts, { parseDockerHost }, { readBuildContextFacts }] = await Promise.all([
    import('../engine/project-files/host-facts.js'),
    import('../engine/docker/connect.js'),
    import('../engine/docker/build-context-facts.js'),
  ]);
  const env = process.env;
  return {
    bindMounts: { folderOwner: facts.folderOwner, dockerfileText: async (service) => (await readBuildContextFacts(service)).dockerfileText },
    socketAccess: () => {
      const endpoint = (() => {
        try {
          return parseDockerHost(env);
        } catch {
          return undefined;
        }
      })();
      const socket = facts.socketFacts(endpoint?.kind === 'unix' ? endpoint.socketPath : '/var/run/docker.sock');
      const user = facts.userName(env);
      return {
        socket,
        user,
        listedInGroup: socket.group ? facts.listedInGroup(user, socket.group.gid) : false,
        dockerHostSet: (env.DOCKER_HOST ?? '') !== '',
        alternatives: facts.alternativeSockets(env),
      };
    },
    envFileKeys: facts.envFileKeys,
    // DEVSTACK_INOTIFY_SYSCTL_DIR: a folder standing in for /proc/sys/fs/inotify (tests inject low limits with it)
    inotify: () => facts.inotifyFacts(undefined, env.DEVSTACK_INOTIFY_SYSCTL_DIR),
    countFolders: (paths) => facts.countFolders(paths),
    freeSpace: facts.freeSpace,
    shell: env,
  };
}
