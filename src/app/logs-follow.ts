// `devstack logs -f`: follows every container of the chosen services, through restarts and recreates.
//
// One follower per container reads its log stream. When the stream ends (the container stopped),
// the follower waits for the container to run again — woken by engine events, checked by inspect at
// least every second — and resumes from the last timestamp it saw, dropping lines at or before it.
// A container of a chosen service that appears later (a recreate) gets a follower reading it from
// its start. Everything ends when the signal aborts.
import type { ContainerInfo, ContainerQueryPort, EventsLogsPort, LogRecord } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import { containerNumber } from '../core/convergence-plan.js';
import { LABEL } from '../core/labels.js';
import { BoundedChannel } from './logs-channel.js';
import { compareLogTimes, parseDateTime } from './logs-time.js';
import type { ServiceLogLine } from './logs.js';

export interface FollowRequest {
  engine: ContainerQueryPort & EventsLogsPort;
  project: string;
  /** The chosen services (containers of other services are left alone), or every service, even ones added later. */
  services: ReadonlySet<string> | 'every';
  tail?: number;
  /** Unix seconds. */
  since?: number;
  until?: number;
  signal: AbortSignal;
  now: () => number;
}

/** Longest wait before checking a stopped container again, should an engine event go missing. */
const RECHECK_MS = 1000;
/** How often the project's containers are listed again, in case a `create` event went missing. */
const RELIST_MS = 2000;

export async function* followProjectLogs(req: FollowRequest): AsyncGenerator<ServiceLogLine> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  req.signal.addEventListener('abort', onAbort, { once: true });
  const channel = new BoundedChannel<ServiceLogLine>();
  const wakers = new Map<string, () => void>();
  const followed = new Set<string>();
  const running = new Set<Promise<void>>();

  const fail = (err: unknown): void => {
    if (!stop.signal.aborted) channel.fail(err);
    stop.abort();
  };
  const follow = (container: { id: string; labels: Record<string, string> }, fromStart: boolean): void => {
    if (followed.has(container.id) || !isChosen(container.labels, req)) return;
    followed.add(container.id);
    const service = container.labels[LABEL.service]!;
    // Every line names its container's number, as compose v2 does (`web-1 |`): a replica added while following
    // then reads `web-2 |` next to `web-1 |`, with no switch of prefix midway.
    const target = { id: container.id, service, replica: containerNumber(container) };
    const task = followContainer(req, target, fromStart, channel, wakers, stop.signal).catch(fail);
    running.add(task);
    void task.finally(() => {
      running.delete(task);
      if (req.until !== undefined && running.size === 0 && req.now() / 1000 >= req.until) channel.close();
    });
  };

  void watchEvents(req, stop.signal, wakers, (event) => follow(event, true)).catch(fail);
  void relistPeriodically(req, stop.signal, (c) => follow(c, true)).catch(fail);
  stop.signal.addEventListener('abort', () => channel.close(), { once: true });
  try {
    const initial = await req.engine.listProjectContainers(req.project);
    for (const c of initial) follow(c, false);
    yield* channel;
  } finally {
    req.signal.removeEventListener('abort', onAbort);
    stop.abort();
    for (const wake of wakers.values()) wake();
    await Promise.allSettled([...running]);
  }
}

function isChosen(labels: Record<string, string>, req: FollowRequest): boolean {
  const service = labels[LABEL.service];
  return (
    labels[LABEL.project] === req.project &&
    service !== undefined &&
    (req.services === 'every' || req.services.has(service)) &&
    labels[LABEL.oneoff] !== 'True'
  );
}

async function followContainer(
  req: FollowRequest,
  target: { id: string; service: string; replica: number },
  fromStart: boolean,
  channel: BoundedChannel<ServiceLogLine>,
  wakers: Map<string, () => void>,
  signal: AbortSignal,
): Promise<void> {
  let name = '';
  let last: string | undefined;
  let firstRead = true;
  while (!signal.aborted) {
    const details = await inspectOrGone(req.engine, target.id);
    if (!details) return;
    name = details.name;
    if (!firstRead && details.status !== 'running') {
      if (last === undefined && isRealTime(details.finishedAt)) last = details.finishedAt;
      await waitForWake(target.id, wakers, signal, RECHECK_MS);
      continue;
    }
    const resumeAt = last === undefined ? undefined : parseDateTime(last);
    const records = req.engine.logs(
      target.id,
      {
        follow: true,
        timestamps: true,
        ...(firstRead && !fromStart && req.tail !== undefined ? { tail: req.tail } : {}),
        ...(resumeAt !== undefined ? { since: resumeAt - 1e-6 } : req.since !== undefined ? { since: req.since } : {}),
        ...(req.until !== undefined ? { until: req.until } : {}),
      },
      signal,
    );
    const startedAt = details.startedAt;
    try {
      for await (const rec of records) {
        if (rec.time !== undefined && last !== undefined && compareLogTimes(rec.time, last) <= 0) continue;
        if (rec.time !== undefined) last = rec.time;
        await channel.push(toLine(target, name, rec));
      }
    } catch (err) {
      if (signal.aborted || (err instanceof DevstackError && err.kind === 'not-found')) return;
      // A container being removed (a recreate) can refuse its logs; only a running one's failure is an error.
      const now = await inspectOrGone(req.engine, target.id);
      if (!now) return;
      if (now.status === 'running' && now.startedAt === startedAt) throw err;
    }
    firstRead = false;
    if (req.until !== undefined && req.now() / 1000 >= req.until) return;
    // Ended while still on the same run (the engine closed the stream): do not spin.
    const after = await inspectOrGone(req.engine, target.id);
    // Nothing read yet (--tail 0) and the run we read has ended: resume after it, not from the start of the log.
    const ended = after !== undefined && (after.status !== 'running' || after.startedAt !== startedAt);
    if (last === undefined && ended && isRealTime(after.finishedAt)) last = after.finishedAt;
    if (after && after.status === 'running' && after.startedAt === startedAt) {
      await waitForWake(target.id, wakers, signal, RECHECK_MS / 4);
    }
  }
}

function toLine(target: { service: string; replica: number }, container: string, rec: LogRecord): ServiceLogLine {
  return { service: target.service, replica: target.replica, container, stream: rec.stream, time: rec.time ?? '', text: rec.text };
}

async function inspectOrGone(engine: ContainerQueryPort, id: string) {
  try {
    return await engine.inspectContainer(id);
  } catch (err) {
    if (err instanceof DevstackError && err.kind === 'not-found') return undefined;
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

function isRealTime(rfc3339: string): boolean {
  return rfc3339 !== '' && !rfc3339.startsWith('0001-');
}

/** Resolves on an engine event about the container, after `limitMs`, or on abort. */
function waitForWake(id: string, wakers: Map<string, () => void>, signal: AbortSignal, limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      if (wakers.get(id) === done) wakers.delete(id);
      resolve();
    };
    const timer = setTimeout(done, limitMs);
    signal.addEventListener('abort', done, { once: true });
    wakers.set(id, done);
  });
}

const WAKING_ACTIONS = new Set(['start', 'restart', 'unpause', 'die', 'destroy']);

async function watchEvents(
  req: FollowRequest,
  signal: AbortSignal,
  wakers: Map<string, () => void>,
  onNewContainer: (c: { id: string; labels: Record<string, string> }) => void,
): Promise<void> {
  for await (const event of req.engine.events({ project: req.project }, signal)) {
    if (event.type !== 'container') continue;
    if (WAKING_ACTIONS.has(event.action)) wakers.get(event.id)?.();
    if (event.action === 'create' || event.action === 'start') onNewContainer(event);
  }
}

async function relistPeriodically(
  req: FollowRequest,
  signal: AbortSignal,
  onContainer: (c: ContainerInfo) => void,
): Promise<void> {
  while (!signal.aborted) {
    await sleep(RELIST_MS, signal);
    if (signal.aborted) return;
    for (const c of await req.engine.listProjectContainers(req.project)) onContainer(c);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
