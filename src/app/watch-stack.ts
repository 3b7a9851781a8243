// `devstack watch` and the foreground part of `devstack up --watch`: apply the `develop.watch` rules of a
// stack that is up. A rebuild rule rebuilds and recreates that one service; a change of a compose file or
// .env reloads the project and runs `up` for it (only what changed is recreated, by config hash). Ends when
// the signal aborts; the stack keeps running.
import type { ContainerInfo, ContainerQueryPort } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { FileWatchPort } from '../core/file-watch.js';
import { isParked } from '../core/container-spec.js';
import { containerNumber } from '../core/convergence-plan.js';
import { LABEL, runningServiceContainer } from '../core/labels.js';
import type { Project } from '../core/model.js';
import type { Exclusive } from '../core/project-lock.js';
import { rebuildService } from './rebuild-service.js';
import { bindVolumeSyncs } from './remote-bind-sync.js';
import { up, type UpDeps, type UpResult } from './up.js';
import { nestedUpRequest } from './up-request.js';
import { watchProject } from './watch.js';

export interface WatchStackRequest {
  project: Project;
  /** Services whose rules apply; empty = every service with `develop.watch`. */
  services: string[];
  /** Services `up` converges after a compose change; undefined = the services that have containers then. */
  upServices?: string[];
  /** Loads the compose files again (throws a located ComposeError when one is wrong). */
  loadProject: () => Promise<Project>;
  /** The project's files that changed since it was read (see WatchRequest.changedSinceLoad). */
  changedSinceLoad?: (project: Project) => string[];
  strictPorts: boolean;
  waitTimeoutMs: number;
  stateDir: string;
  signal: AbortSignal;
  onEvent: EventSink;
  /** Runs a rebuild or a reload's `up` holding the project's lock (other devstack runs wait); default: as is. */
  exclusive?: Exclusive;
  /**
   * A remote engine: whether `up` has just filled the volumes carrying bind-mounted folders (`up --watch`). If not
   * (`watch` on its own), the first session copies them once at its start, so edits made since `up` get there too.
   */
  bindsFilledByUp?: boolean;
}

export interface WatchStackDeps extends UpDeps {
  files: FileWatchPort;
}

export async function watchStack(req: WatchStackRequest, deps: WatchStackDeps): Promise<void> {
  const { engine } = deps;
  // A remote engine: the volumes carrying bind-mounted folders are kept in sync (remote-bind-sync.ts).
  const kindOf = deps.remoteBinds?.kindOf;
  await assertWatchedServicesRun(engine, req.project, req.services);
  const findContainer = async (service: string) => runningServiceContainer(await engine.listProjectContainers(req.project.name), service)?.id;
  const exclusive: Exclusive = req.exclusive ?? ((task) => task());
  // Only the first session's: a reload's `up` fills the volumes again itself.
  let initialSync = req.bindsFilledByUp !== true;
  const upSettings = { strictPorts: req.strictPorts, waitTimeoutMs: req.waitTimeoutMs, stateDir: req.stateDir, onEvent: req.onEvent };
  await watchProject({
    engine,
    files: deps.files,
    project: req.project,
    services: req.services,
    signal: req.signal,
    onEvent: req.onEvent,
    findContainer,
    findReplicas: async (service) =>
      (await engine.listProjectContainers(req.project.name))
        .filter((c) => c.labels[LABEL.service] === service && c.labels[LABEL.oneoff] !== 'True' && c.status === 'running' && !isParked(c))
        .sort((a, b) => containerNumber(a) - containerNumber(b))
        .map((c) => c.id),
    rebuildService: async (service, signal, project) => {
      await exclusive(() => rebuildService({ project, service, signal, ...upSettings }, deps));
    },
    ...(req.changedSinceLoad ? { changedSinceLoad: req.changedSinceLoad } : {}),
    ...(kindOf
      ? {
          bindVolumeSyncs: (project: Project) => {
            const syncs = bindVolumeSyncs({ engine, files: deps.files, project, kindOf, findContainer, onEvent: req.onEvent, initialSync });
            initialSync = false;
            return syncs;
          },
        }
      : {}),
    reloadProject: async (signal) => {
      const project = await req.loadProject();
      const services = req.upServices ?? servicesWithContainers(await engine.listProjectContainers(project.name), project);
      try {
        const result = await exclusive(() => up(nestedUpRequest(project, services, { ...upSettings, signal }), deps));
        req.onEvent({ type: 'notice', level: 'info', message: `project reloaded: ${describeChanges(result)}` });
      } catch (err) {
        if (signal.aborted) throw err;
        const hint = err instanceof DevstackError && err.hint ? ` (${err.hint})` : '';
        req.onEvent({ type: 'notice', level: 'warn', message: `project reloaded, but up failed: ${(err as Error).message}${hint}` });
      }
      return project;
    },
  });
}

/** Watching needs a container for every watched service (`watch` does not start the stack). */
async function assertWatchedServicesRun(engine: ContainerQueryPort, project: Project, chosen: string[]): Promise<void> {
  const watched = (chosen.length > 0 ? chosen : Object.keys(project.services)).filter(
    (s) => (project.services[s]?.develop?.watch.length ?? 0) > 0,
  );
  const containers = await engine.listProjectContainers(project.name);
  const missing = watched.filter((s) => !runningServiceContainer(containers, s));
  if (missing.length === 0) return;
  throw new DevstackError('not-found', `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no running container in project ${project.name}.`, {
    hint: `Start the stack first (\`devstack up ${missing.join(' ')}\`), or run \`devstack up --watch\` to start it and watch in one go.`,
  });
}


function servicesWithContainers(containers: ContainerInfo[], project: Project): string[] {
  const names = new Set(containers.filter((c) => c.labels[LABEL.oneoff] !== 'True').map((c) => c.labels[LABEL.service] ?? ''));
  return Object.keys(project.services).filter((s) => names.has(s));
}

function describeChanges(result: UpResult): string {
  const changed = result.services.filter((s) => s.action !== 'keep').map((s) => `${s.service} ${s.action === 'recreate' ? 'recreated' : s.action === 'create' ? 'created' : 'started'}`);
  return changed.length > 0 ? changed.join(', ') : 'nothing to recreate';
}
