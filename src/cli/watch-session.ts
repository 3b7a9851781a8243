// The foreground of `up --watch` and `watch`: every service's logs (prefixed as `logs` prints them) on
// stdout, the watch use case applying `develop.watch` rules, its events as plain lines on stderr (NDJSON on
// stdout with --json). Ctrl-C ends both; the stack keeps running unless `down` is asked for.
import type { Engine } from '../core/engine.js';
import type { EventSink } from '../core/events.js';
import type { Project } from '../core/model.js';
import { printLogLines } from './log-printer.js';
import { chooseProgress } from './progress/choose-progress.js';
import { applyScaleOverrides } from '../app/scale-overrides.js';
import { fileWatcher, hostPortPlanner, LOCK_WAIT_LIMIT_MS, loadProjectFromFlags, projectExclusive, readinessWaiter, remoteBindDeps, stateDir, type ProjectFlags } from './runtime.js';

export interface WatchSessionOptions {
  project: Project;
  engine: Engine;
  flags: ProjectFlags & { json: boolean };
  /** Services whose rules apply; empty = all with `develop.watch`. */
  services: string[];
  /** Services `up` converges after a compose change (undefined: those with containers). */
  upServices?: string[];
  strictPorts: boolean;
  waitTimeoutMs: number;
  /** Log lines from this time (unix seconds); undefined: only new lines. */
  logsSince?: number;
  /** `up --watch --down`: remove the stack (not its volumes) once watching ends. */
  downAfter: boolean;
  /** `up --scale` entries: a reloaded project keeps them (else a compose edit would scale back to the file's). */
  scale?: string[];
  /** `up --watch`: up has just filled a remote engine's bind volumes (standalone `watch` fills them once itself). */
  bindsFilledByUp?: boolean;
  signal: AbortSignal;
}

export async function runWatchSession(opts: WatchSessionOptions): Promise<void> {
  const { project, engine, flags } = opts;
  const { streamProjectLogs } = await import('../app/logs.js');
  const { watchStack } = await import('../app/watch-stack.js');
  const { changedSinceRead } = await import('../compose/index.js');
  // Log lines share the terminal with progress: plain lines, never a live display.
  const progress = await chooseProgress(flags.json ? 'json' : 'plain', []);
  // Either side failing (an unwatched service, a broken engine) ends the other one too.
  const stop = new AbortController();
  const signal = AbortSignal.any([opts.signal, stop.signal]);
  const services = Object.keys(project.services);
  const lines = streamProjectLogs({
    project: project.name,
    services: [],
    knownServices: services,
    follow: true,
    followNewServices: true,
    timestamps: false,
    signal,
    ...(opts.logsSince !== undefined ? { since: String(opts.logsSince) } : { tail: 0 }),
  }, { engine });
  const printing = printLogLines(lines, { out: process.stdout, services, timestamps: false, prefix: true, json: flags.json, color: true, signal });
  const deps = {
    engine, files: await fileWatcher(), ports: await hostPortPlanner(), waitForService: await readinessWaiter(),
    // A remote engine: bind-mounted folders are carried in volumes (a reload's `up` too) that watching keeps in step.
    ...(engine.location?.kind === 'remote' ? { remoteBinds: await remoteBindDeps() } : {}),
  };
  const exclusive = await projectExclusive(project.name, { signal, waitLimitMs: opts.waitTimeoutMs, onEvent: progress.onEvent });
  // A remote engine: its published ports come to this host's loopback while watching, as `devstack forward` does.
  const forwards = engine.location?.kind === 'remote' ? await openForwards(project.name, engine, progress.onEvent) : undefined;
  const endsAll = <T>(task: Promise<T>): Promise<T> =>
    task.catch((err: unknown) => {
      stop.abort();
      throw err;
    });
  try {
    await Promise.all([
      endsAll(printing),
      endsAll(watchStack(
        {
          project,
          services: opts.services,
          ...(opts.upServices ? { upServices: opts.upServices } : {}),
          loadProject: async () => applyScaleOverrides(await loadProjectFromFlags(flags), opts.scale ?? []),
          changedSinceLoad: (p) => changedSinceRead(p.configStamps ?? {}),
          strictPorts: opts.strictPorts,
          waitTimeoutMs: opts.waitTimeoutMs,
          stateDir: stateDir(),
          signal,
          onEvent: progress.onEvent,
          exclusive,
          ...(opts.bindsFilledByUp ? { bindsFilledByUp: true } : {}),
        },
        deps,
      )),
    ]);
  } finally {
    stop.abort();
    await forwards?.close();
    await printing.catch(() => undefined);
    await progress.close();
  }
  if (opts.downAfter) {
    // Not cut short by the interrupt that ended watching (a second Ctrl-C still exits at once).
    const teardown = await projectExclusive(project.name, { signal: new AbortController().signal, waitLimitMs: LOCK_WAIT_LIMIT_MS, onEvent: progress.onEvent });
    await teardown(() => downStack(project, engine, progress.onEvent));
  }
  else progress.onEvent({ type: 'notice', level: 'info', message: `stopped watching; ${project.name} keeps running (\`devstack down\` removes it)` });
}

async function openForwards(projectName: string, engine: Engine, onEvent: EventSink): Promise<{ close: () => Promise<void> } | undefined> {
  const [{ forwardProjectPorts }, { forwardPublishedPort }] = await Promise.all([import('../app/forward.js'), import('../engine/ports/port-forward.js')]);
  try {
    const { lines, close } = await forwardProjectPorts(projectName, engine, forwardPublishedPort);
    for (const l of lines) {
      const where = l.local ? `forwarded to ${l.local}${l.via ? ` via ${l.via}` : ''}` : 'not forwarded';
      onEvent({ type: 'notice', level: l.local ? 'info' : 'warn', service: l.service, message: `${l.service} ${l.containerPort}/tcp (engine host ${l.remote}) ${where}${l.note ? ` (${l.note})` : ''}` });
    }
    return { close };
  } catch (error) {
    onEvent({ type: 'notice', level: 'warn', message: `ports not forwarded: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}

async function downStack(project: Project, engine: Engine, onEvent: EventSink): Promise<void> {
  const { down } = await import('../app/down.js');
  await down(
    {
      projectName: project.name,
      services: project.services,
      removeVolumes: false,
      confirmVolumeRemoval: () => Promise.resolve(false),
      stopTimeoutS: 10,
      // The interrupt that ended watching must not cut the teardown short; a second Ctrl-C still exits at once.
      signal: new AbortController().signal,
      onEvent,
    },
    { engine },
  );
}
