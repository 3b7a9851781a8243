// `devstack watch` and `devstack up --watch`: compose `develop.watch` rules, applied as files change.
//
// sync copies changed files into the running container; rebuild asks the caller to rebuild the
// service; sync+restart, restart and sync+exec add a container restart or a command. A rule whose
// path a bind mount of the service already covers needs no copying. Changes of the compose files or
// .env reload the project (the caller re-plans) and the rules are set up again; no save is lost on the way
// (see Handover).
import path from 'node:path';
import type { ContainerLifecyclePort, ExecPort } from '../core/engine.js';
import { DevstackError, formatLocation } from '../core/errors.js';
import type { StackEvent } from '../core/events.js';
import type { FileChangeBatch, FileWatchPort, RuleSyncHandle } from '../core/file-watch.js';
import type { Project, ServiceConfig, WatchRule } from '../core/model.js';
import { isInside, relativeInside } from '../core/path-inside.js';

export interface WatchRequest {
  /** Handed to the file side's rule syncs: copies and commands in containers, restarts. */
  engine: ExecPort & ContainerLifecyclePort;
  /** The file side: watcher, batches, per-rule sync (src/engine/watch, passed in by the composition root). */
  files: FileWatchPort;
  project: Project;
  /** Services to watch; empty = every service with `develop.watch`. */
  services: string[];
  signal: AbortSignal;
  onEvent: (e: StackEvent) => void;
  /** Builds the service's image and recreates its container (the project is the one being watched now). */
  rebuildService: (service: string, signal: AbortSignal, project: Project) => Promise<void>;
  /** Container id of the running service. */
  findContainer: (service: string) => Promise<string | undefined>;
  /** Container ids of every running replica of a scaled service (replica 1 first): each gets the rule's action. */
  findReplicas?: (service: string) => Promise<string[]>;
  /** The compose files or .env changed: load them again (and apply them); a throw keeps the current project. */
  reloadProject?: (signal: AbortSignal) => Promise<Project>;
  /**
   * The project's files that changed since it was read (by `project.configStamps`). Asked once the watcher is
   * ready, so that a save made during a reload, or during `up` before watching began, is not lost.
   */
  changedSinceLoad?: (project: Project) => string[];
  /**
   * A remote engine: sync rules that keep the volumes standing in for bind-mounted folders in step with them
   * (remote-bind-sync.ts), set up for each session and closed with it.
   */
  bindVolumeSyncs?: (project: Project) => Promise<{ rules: RuleSyncHandle[]; close(): Promise<void> }>;
}

/**
 * Runs until the signal aborts. A reloaded project whose rules cannot be set up (no service left with
 * `develop.watch`, say) is reported, and watching goes on with the rules of the project before it.
 */
export async function watchProject(req: WatchRequest): Promise<void> {
  let project = req.project;
  let previous: Project | undefined;
  let handover: Handover | undefined;
  try {
    while (!req.signal.aborted) {
      let next: Handover | undefined;
      try {
        next = await watchOnce(req, project, handover);
      } catch (err) {
        if (!previous || req.signal.aborted) throw err;
        req.onEvent({ type: 'notice', level: 'warn', message: `the reloaded project cannot be watched (${(err as Error).message}); watching as before` });
        // The files are those of the newest load, so the next save reloads, and the one just seen does not again.
        [project, previous] = [{ ...previous, configFiles: project.configFiles, configStamps: project.configStamps }, undefined];
        continue;
      }
      if (!next) return;
      [previous, project, handover] = [project, next.project, next];
    }
  } finally {
    await handover?.close();
  }
}

/**
 * What a session that reloaded the project hands to the next one. Its watcher stays open until the next
 * session's watcher is ready, so no save falls between the two; the changes it took after the reload (and
 * the part of the reloading batch that was not a project file) wait in `missed` for the new rules.
 */
interface Handover {
  project: Project;
  missed: FileChangeBatch;
  missedDirs: Set<string>;
  /** Closes the watcher once; the changes it saw until then are in `missed`. */
  close(): Promise<void>;
}

/** One watch session over `project`; resolves with the handover to the reloaded project, or undefined on abort. */
async function watchOnce(req: WatchRequest, project: Project, from: Handover | undefined): Promise<Handover | undefined> {
  const bindSyncs = (await req.bindVolumeSyncs?.(project)) ?? { rules: [], close: () => Promise.resolve() };
  let services: ServiceConfig[];
  let rules: RuleSyncHandle[];
  try {
    services = watchedServices(project, req.services, bindSyncs.rules.length > 0);
    rules = [...(await ruleSyncs(req, project, services)), ...bindSyncs.rules];
  } catch (err) {
    await bindSyncs.close();
    throw err;
  }
  const configFiles = (project.configFiles ?? [...project.composeFiles, path.join(project.workingDir, '.env')]).map((f) => path.resolve(f));
  const session = new AbortController();
  const stopSession = (): void => session.abort();
  req.signal.addEventListener('abort', stopSession, { once: true });
  let reloadedProject: Project | undefined;
  const missed: FileChangeBatch = new Map();
  const missedDirs = new Set<string>();
  const passOn = (batch: FileChangeBatch, isDir: (p: string) => boolean): void => {
    for (const [p, kind] of batch) {
      missed.set(p, kind);
      if (kind === 'upsert' && isDir(p)) missedDirs.add(p);
    }
  };

  const apply = new SerialQueue();
  const handleBatch = (batch: FileChangeBatch, isDir: (p: string) => boolean): void =>
    apply.run(async () => {
      if (reloadedProject) return passOn(batch, isDir);
      const rest = new Map([...batch].filter(([p]) => !configFiles.includes(p)));
      if (rest.size < batch.size) {
        reloadedProject = await reload(req, session.signal);
        if (reloadedProject) {
          passOn(rest, isDir);
          session.abort();
          return;
        }
        if (rest.size === 0) return;
      }
      await applyBatch(req, project, rules, rest, isDir, session.signal);
    });
  const watcher = req.files.watchChanges({
    rules,
    files: configFiles,
    onBatch: handleBatch,
    onWarning: (message) => req.onEvent({ type: 'notice', level: 'warn', message }),
    onError: () => apply.run(() => catchUpAll(req, rules, session.signal)),
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      req.signal.removeEventListener('abort', stopSession);
      await watcher.close();
      await apply.idle();
      await bindSyncs.close();
    })());
  try {
    await Promise.all(rules.map((r) => r.start(session.signal, req.onEvent)));
    await watcher.ready;
    if (from) await from.close();
    if (!session.signal.aborted) {
      const names = [...services.map((s) => s.name), ...(bindSyncs.rules.length > 0 ? ['bind mounts (remote engine)'] : [])].join(', ');
      req.onEvent({ type: 'notice', level: 'info', message: `watching ${names} for changes` });
      const changed = req.changedSinceLoad?.(project).map((f) => path.resolve(f));
      // A project file the old watcher saw change counts only if it changed after this load read it.
      const stillMissed = [...(from?.missed ?? [])].filter(([p]) => !changed || !configFiles.includes(p) || changed.includes(p));
      const missedBefore: FileChangeBatch = new Map([...stillMissed, ...(changed ?? []).map((f) => [f, 'upsert'] as const)]);
      if (missedBefore.size > 0) handleBatch(missedBefore, (p) => from?.missedDirs.has(p) === true);
    }
    await new Promise<void>((resolve) => {
      if (session.signal.aborted) resolve();
      session.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } catch (err) {
    await close();
    throw err;
  }
  if (req.signal.aborted || !reloadedProject) {
    await close();
    return undefined;
  }
  return { project: reloadedProject, missed, missedDirs, close };
}

/** `bindSyncsToo`: folders are kept in sync anyway, so no service needs `develop.watch`. */
function watchedServices(project: Project, chosen: string[], bindSyncsToo = false): ServiceConfig[] {
  const unknown = chosen.filter((s) => !project.services[s]);
  if (unknown.length > 0) {
    throw new DevstackError('not-found', `No service ${unknown.join(', ')} in this project.`, {
      hint: `The project's services: ${Object.keys(project.services).sort().join(', ')}.`,
    });
  }
  const candidates = chosen.length > 0 ? chosen.map((s) => project.services[s]!) : Object.values(project.services);
  const watched = candidates.filter((s) => (s.develop?.watch.length ?? 0) > 0);
  if (watched.length === 0 && !bindSyncsToo) {
    throw new DevstackError('compose', 'None of the selected services has `develop.watch` rules.', {
      hint: 'Add `develop: { watch: [{ action: sync, path: ./src, target: /app/src }] }` to a service.',
    });
  }
  return watched;
}

async function ruleSyncs(req: WatchRequest, project: Project, services: ServiceConfig[]): Promise<RuleSyncHandle[]> {
  const out: RuleSyncHandle[] = [];
  for (const service of services) {
    for (const rule of service.develop!.watch) {
      if (!isInside(project.workingDir, rule.path)) {
        // docker compose watches it too (the spec reads `path` relative to the project folder, nothing more).
        const where = rule.source ? `${formatLocation(rule.source)}: ` : '';
        req.onEvent({
          type: 'notice',
          level: 'warn',
          service: service.name,
          message: `${where}${service.name}: develop.watch path ${rule.path} is outside the project folder ${project.workingDir}; watching it as written`,
        });
      }
      const mount = coveringBindMount(service, rule);
      if (mount && rule.action === 'sync') {
        req.onEvent({ type: 'notice', level: 'info', service: service.name, message: `${service.name}: ${rel(project, rule.path)} is bind-mounted at ${mount}; no sync needed` });
        continue;
      }
      out.push(
        await req.files.createRuleSync({
          service,
          rule,
          engine: req.engine,
          findContainer: req.findContainer,
          ...(req.findReplicas ? { findReplicas: req.findReplicas } : {}),
          copy: !mount,
          stopTimeoutS: Math.round((service.stopGracePeriodMs ?? 10_000) / 1000),
        }),
      );
    }
  }
  return out;
}

/** The container path of a bind mount that already shows the rule's path, if any. */
function coveringBindMount(service: ServiceConfig, rule: WatchRule): string | undefined {
  for (const v of service.volumes) {
    if (v.type !== 'bind') continue;
    const inside = relativeInside(v.source, rule.path);
    if (inside === undefined) continue;
    const shownAt = path.posix.join(v.target, inside.split(path.sep).join('/'));
    if (rule.target === undefined || path.posix.normalize(rule.target) === shownAt) return v.target;
  }
  return undefined;
}

async function reload(req: WatchRequest, signal: AbortSignal): Promise<Project | undefined> {
  if (!req.reloadProject) {
    req.onEvent({ type: 'notice', level: 'info', message: 'compose file or .env changed; restart devstack to apply it' });
    return undefined;
  }
  req.onEvent({ type: 'notice', level: 'info', message: 'compose file or .env changed; reloading the project' });
  try {
    return await req.reloadProject(signal);
  } catch (err) {
    if (signal.aborted) return undefined;
    const hint = err instanceof DevstackError && err.hint ? `\nhint: ${err.hint}` : '';
    req.onEvent({
      type: 'notice',
      level: 'warn',
      message: `compose file or .env changed but does not load; the stack keeps running as it was, still watching:\n${(err as Error).message}${hint}`,
    });
    return undefined;
  }
}

/** Routes a batch to the rules it concerns; each service's actions run once per batch. */
async function applyBatch(
  req: WatchRequest,
  project: Project,
  rules: RuleSyncHandle[],
  batch: FileChangeBatch,
  isDir: (p: string) => boolean,
  signal: AbortSignal,
): Promise<void> {
  const byService = new Map<string, RuleSyncHandle[]>();
  for (const r of rules) {
    if (r.take(batch, isDir)) byService.set(r.service, [...(byService.get(r.service) ?? []), r]);
  }
  await Promise.all(
    [...byService].map(async ([service, touched]) => {
      try {
        if (touched.some((r) => r.rule.action === 'rebuild')) {
          const started = performance.now();
          req.onEvent({ type: 'notice', level: 'info', service, message: `${service}: rebuilding after a change` });
          await req.rebuildService(service, signal, project);
          for (const r of touched) r.drop();
          req.onEvent({ type: 'notice', level: 'info', service, message: `${service}: rebuilt (${ms(started)})` });
          return;
        }
        for (const r of touched) await r.apply(req.onEvent);
      } catch (err) {
        if (signal.aborted) return;
        const hint = err instanceof DevstackError && err.hint ? ` (${err.hint})` : '';
        req.onEvent({ type: 'notice', level: 'warn', service, message: `${service}: ${(err as Error).message}${hint}` });
      }
    }),
  );
}

async function catchUpAll(req: WatchRequest, rules: RuleSyncHandle[], signal: AbortSignal): Promise<void> {
  for (const r of rules) {
    if (signal.aborted) return;
    try {
      await r.catchUp(req.onEvent, signal);
    } catch (err) {
      req.onEvent({ type: 'notice', level: 'warn', service: r.service, message: `${r.service}: ${(err as Error).message}` });
    }
  }
}

function rel(project: Project, p: string): string {
  return `./${path.relative(project.workingDir, p)}`;
}

function ms(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

/** Runs tasks one after another; errors are the tasks' business. */
class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  run(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch(() => undefined);
  }
  idle(): Promise<void> {
    return this.tail;
  }
}
