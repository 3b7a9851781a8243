// `devstack watch` and `devstack up --watch`: compose `develop.watch` rules, applied as files change.
//
// sync copies changed files into the running container; rebuild asks the caller to rebuild the
// service; sync+restart, restart and sync+exec add a container restart or a command. A rule whose
// path a bind mount of the service already covers needs no copying. Changes of the compose files or
// .env reload the project (the caller re-plans) and the rules are set up again.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Engine } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import type { StackEvent } from '../core/events.js';
import type { Project, ServiceConfig, WatchRule } from '../core/model.js';
import { readDockerignore } from '../engine/docker/dockerignore.js';
import { ChangeBatcher, DEFAULT_MAX_WAIT_MS, DEFAULT_QUIET_MS, systemClock, type ChangeBatch } from '../engine/watch/change-batcher.js';
import { watchFiles } from '../engine/watch/file-watcher.js';
import { RuleSync } from '../engine/watch/rule-sync.js';
import { skipsForAll, WatchRuleMatcher } from '../engine/watch/watch-rules.js';

export interface WatchRequest {
  engine: Engine;
  project: Project;
  /** Services to watch; empty = every service with `develop.watch`. */
  services: string[];
  signal: AbortSignal;
  onEvent: (e: StackEvent) => void;
  /** Provided by the caller (up's executor). */
  rebuildService: (service: string, signal: AbortSignal) => Promise<void>;
  /** Container id of the running service. */
  findContainer: (service: string) => Promise<string | undefined>;
  /** The compose files or .env changed. */
  reloadProject?: () => Promise<Project>;
}

/** Runs until the signal aborts. */
export async function watchProject(req: WatchRequest): Promise<void> {
  let project = req.project;
  while (!req.signal.aborted) {
    const reloaded = await watchOnce(req, project);
    if (!reloaded) return;
    project = reloaded;
  }
}

/** One watch session over `project`; resolves with the reloaded project, or undefined on abort. */
async function watchOnce(req: WatchRequest, project: Project): Promise<Project | undefined> {
  const services = watchedServices(project, req.services);
  const rules = await ruleSyncs(req, project, services);
  const configFiles = [...project.composeFiles, path.join(project.workingDir, '.env')].map((f) => path.resolve(f));
  const session = new AbortController();
  const stopSession = (): void => session.abort();
  req.signal.addEventListener('abort', stopSession, { once: true });
  let reloadedProject: Project | undefined;

  const apply = new SerialQueue();
  const handleBatch = (batch: ChangeBatch): void =>
    apply.run(async () => {
      if ([...batch.keys()].some((p) => configFiles.includes(p))) {
        reloadedProject = await reload(req);
        if (reloadedProject) session.abort();
        return;
      }
      await applyBatch(req, rules, batch, (p) => dirs.has(p), session.signal);
    });
  const batcher = new ChangeBatcher({ quietMs: DEFAULT_QUIET_MS, maxWaitMs: DEFAULT_MAX_WAIT_MS, clock: systemClock, onBatch: handleBatch });
  const dirs = new Set<string>();
  const watcher = watchFiles({
    paths: [...new Set([...rules.map((r) => r.matcher.rule.path), ...configFiles])],
    skips: skipsForAll(rules.map((r) => r.matcher), configFiles),
    onChange: (p, kind, isDir) => {
      if (isDir) dirs.add(p);
      batcher.add(p, kind);
    },
    onWarning: (message, hint) => req.onEvent({ type: 'notice', level: 'warn', message: `${message} ${hint}` }),
    onError: () => apply.run(() => catchUpAll(req, rules, session.signal)),
  });
  try {
    await Promise.all(rules.map((r) => r.start(session.signal, req.onEvent)));
    await watcher.ready;
    if (!session.signal.aborted) {
      const names = [...new Set(rules.map((r) => r.matcher.service))].join(', ');
      req.onEvent({ type: 'notice', level: 'info', message: `watching ${names} for changes` });
    }
    await new Promise<void>((resolve) => {
      if (session.signal.aborted) resolve();
      session.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    req.signal.removeEventListener('abort', stopSession);
    batcher.dispose();
    await watcher.close();
    await apply.idle();
  }
  return req.signal.aborted ? undefined : reloadedProject;
}

function watchedServices(project: Project, chosen: string[]): ServiceConfig[] {
  const unknown = chosen.filter((s) => !project.services[s]);
  if (unknown.length > 0) {
    throw new DevstackError('not-found', `No service ${unknown.join(', ')} in this project.`, {
      hint: `The project's services: ${Object.keys(project.services).sort().join(', ')}.`,
    });
  }
  const candidates = chosen.length > 0 ? chosen.map((s) => project.services[s]!) : Object.values(project.services);
  const watched = candidates.filter((s) => (s.develop?.watch.length ?? 0) > 0);
  if (watched.length === 0) {
    throw new DevstackError('compose', 'None of the selected services has `develop.watch` rules.', {
      hint: 'Add `develop: { watch: [{ action: sync, path: ./src, target: /app/src }] }` to a service.',
    });
  }
  return watched;
}

async function ruleSyncs(req: WatchRequest, project: Project, services: ServiceConfig[]): Promise<RuleSync[]> {
  const out: RuleSync[] = [];
  for (const service of services) {
    const dockerignore = service.build ? await readBuildDockerignore(service.build.context, service.build.dockerfile) : undefined;
    for (const rule of service.develop!.watch) {
      const mount = coveringBindMount(service, rule);
      if (mount && rule.action === 'sync') {
        req.onEvent({ type: 'notice', level: 'info', service: service.name, message: `${service.name}: ${rel(project, rule.path)} is bind-mounted at ${mount}; no sync needed` });
        continue;
      }
      const matcher = new WatchRuleMatcher(service.name, rule, dockerignore ? { dockerignore: { contextDir: service.build!.context, patterns: dockerignore } } : {});
      out.push(new RuleSync(matcher, { engine: req.engine, findContainer: req.findContainer, copy: !mount, stopTimeoutS: Math.round((service.stopGracePeriodMs ?? 10_000) / 1000) }));
    }
  }
  return out;
}

/** The container path of a bind mount that already shows the rule's path, if any. */
function coveringBindMount(service: ServiceConfig, rule: WatchRule): string | undefined {
  for (const v of service.volumes) {
    if (v.type !== 'bind') continue;
    const inside = path.relative(v.source, rule.path);
    if (inside.startsWith('..') || path.isAbsolute(inside)) continue;
    const shownAt = path.posix.join(v.target, inside.split(path.sep).join('/'));
    if (rule.target === undefined || path.posix.normalize(rule.target) === shownAt) return v.target;
  }
  return undefined;
}

async function readBuildDockerignore(context: string, dockerfile: string): Promise<string[] | undefined> {
  for (const file of [path.join(context, `${dockerfile}.dockerignore`), path.join(context, '.dockerignore')]) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return readDockerignore(text);
  }
  return undefined;
}

async function reload(req: WatchRequest): Promise<Project | undefined> {
  if (!req.reloadProject) {
    req.onEvent({ type: 'notice', level: 'info', message: 'compose file or .env changed; restart devstack to apply it' });
    return undefined;
  }
  try {
    const project = await req.reloadProject();
    req.onEvent({ type: 'notice', level: 'info', message: 'compose file or .env changed; project reloaded' });
    return project;
  } catch (err) {
    req.onEvent({ type: 'notice', level: 'warn', message: `compose file or .env changed but does not load: ${(err as Error).message}` });
    return undefined;
  }
}

/** Routes a batch to the rules it concerns; each service's actions run once per batch. */
async function applyBatch(req: WatchRequest, rules: RuleSync[], batch: ChangeBatch, isDir: (p: string) => boolean, signal: AbortSignal): Promise<void> {
  const byService = new Map<string, RuleSync[]>();
  for (const r of rules) {
    if (r.take(batch, isDir)) byService.set(r.matcher.service, [...(byService.get(r.matcher.service) ?? []), r]);
  }
  await Promise.all(
    [...byService].map(async ([service, touched]) => {
      try {
        if (touched.some((r) => r.matcher.rule.action === 'rebuild')) {
          const started = performance.now();
          req.onEvent({ type: 'notice', level: 'info', service, message: `${service}: rebuilding after a change` });
          await req.rebuildService(service, signal);
          for (const r of touched) r.drop();
          req.onEvent({ type: 'notice', level: 'info', service, message: `${service}: rebuilt (${ms(started)})` });
          return;
        }
        for (const r of touched) await r.apply(req.onEvent);
      } catch (err) {
        if (signal.aborted) return;
        req.onEvent({ type: 'notice', level: 'warn', service, message: `${service}: ${(err as Error).message}` });
      }
    }),
  );
}

async function catchUpAll(req: WatchRequest, rules: RuleSync[], signal: AbortSignal): Promise<void> {
  for (const r of rules) {
    if (signal.aborted) return;
    try {
      await r.catchUp(req.onEvent, signal);
    } catch (err) {
      req.onEvent({ type: 'notice', level: 'warn', service: r.matcher.service, message: `${r.matcher.service}: ${(err as Error).message}` });
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
