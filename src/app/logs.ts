// `devstack logs [SERVICE...]`: the log lines of a project's containers.
// Without --follow, the lines of several containers are interleaved by their engine timestamps;
// with it, they are merged as they come and following survives restarts and recreates.
import type { ContainerInfo, ContainerQueryPort, EventsLogsPort, LogOptions, LogRecord } from '../core/engine.js';
import { DevstackError } from '../core/errors.js';
import { containerNumber } from '../core/convergence-plan.js';
import { LABEL } from '../core/labels.js';
import { followProjectLogs } from './logs-follow.js';
import { compareLogTimes, parseLogTime } from './logs-time.js';

export interface LogsRequest {
  project: string;
  /** Chosen services; empty = all. */
  services: string[];
  /** The project's services, to check the chosen ones against; undefined (no compose file): those with containers. */
  knownServices?: string[];
  follow: boolean;
  /**
   * With `follow` and no chosen services: also follow services that appear later (a compose file edited while
   * `watch` runs adds one). Default: only the services known now.
   */
  followNewServices?: boolean;
  tail?: number;
  /** RFC 3339, a date, unix seconds, or a duration back from now (`10m`). */
  since?: string;
  until?: string;
  /** Whether the printer shows timestamps; the engine is always asked for them (to order lines). */
  timestamps: boolean;
  signal: AbortSignal;
  now?: () => number;
}

export interface ServiceLogLine {
  service: string;
  /** The container's number (`web-1 |`, `web-2 |`: compose v2 names every container so, one replica or several). */
  replica: number;
  /** Container name. */
  container: string;
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, from the engine. */
  time: string;
  text: string;
}

export async function* streamProjectLogs(req: LogsRequest, deps: { engine: ContainerQueryPort & EventsLogsPort }): AsyncGenerator<ServiceLogLine> {
  const { engine } = deps;
  const chosen = chooseServices(req.services, req.knownServices ?? (await servicesWithContainers(engine, req.project)));
  const now = req.now ?? Date.now;
  const since = req.since === undefined ? undefined : parseLogTime(req.since, now(), '--since');
  const until = req.until === undefined ? undefined : parseLogTime(req.until, now(), '--until');
  if (req.signal.aborted) return;
  if (req.follow) {
    yield* followProjectLogs({
      engine,
      project: req.project,
      services: req.followNewServices && req.services.length === 0 ? 'every' : chosen,
      signal: req.signal,
      now,
      ...(req.tail !== undefined ? { tail: req.tail } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
    });
    return;
  }
  const containers = serviceContainers(await engine.listProjectContainers(req.project), chosen);
  const opts: LogOptions = {
    follow: false,
    timestamps: true,
    ...(req.tail !== undefined ? { tail: req.tail } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
  const sources = containers.map((c) => ({
    service: c.labels[LABEL.service]!,
    replica: containerNumber(c),
    container: c.name,
    records: engine.logs(c.id, opts, req.signal),
  }));
  yield* interleaveByTime(sources, req.signal);
}

/** The services a project has containers of; none is an error (the name is probably wrong). */
async function servicesWithContainers(engine: ContainerQueryPort, project: string): Promise<string[]> {
  const containers = await engine.listProjectContainers(project);
  const services = [...new Set(containers.filter((c) => c.labels[LABEL.oneoff] !== 'True').map((c) => c.labels[LABEL.service] ?? ''))];
  if (services.length === 0) {
    throw new DevstackError('not-found', `Project ${project} has no containers.`, {
      hint: 'Check the name (-p), or run devstack in the project folder so it reads the compose file.',
    });
  }
  return services.filter((s) => s !== '').sort();
}

/** Parses `--tail`: a count of lines, or `all`. */
export function parseTail(value: string | undefined): number | undefined {
  if (value === undefined || value === 'all') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  throw new DevstackError('usage', `--tail "${value}" is not a number of lines.`, { hint: 'Use a count like --tail 50, or --tail all.' });
}

/** The chosen services as a set (all known ones when none is chosen); an unknown one is an error. */
export function chooseServices(services: string[], knownServices: string[]): Set<string> {
  const unknown = services.filter((s) => !knownServices.includes(s));
  if (unknown.length > 0) {
    const list = [...knownServices].sort().join(', ') || '(none)';
    throw new DevstackError('not-found', `No service ${unknown.map((s) => `"${s}"`).join(', ')} in this project.`, {
      hint: `The project's services: ${list}.`,
    });
  }
  return new Set(services.length > 0 ? services : knownServices);
}

/** Containers of the chosen services (no one-off runs), by service then container number. */
export function serviceContainers(containers: ContainerInfo[], chosen: ReadonlySet<string>): ContainerInfo[] {
  return containers
    .filter((c) => chosen.has(c.labels[LABEL.service] ?? '') && c.labels[LABEL.oneoff] !== 'True')
    .sort(
      (a, b) =>
        (a.labels[LABEL.service] ?? '').localeCompare(b.labels[LABEL.service] ?? '') ||
        Number(a.labels[LABEL.containerNumber] ?? 0) - Number(b.labels[LABEL.containerNumber] ?? 0) ||
        a.name.localeCompare(b.name),
    );
}

interface LogSource {
  service: string;
  replica: number;
  container: string;
  records: AsyncIterable<LogRecord>;
}

/**
 * Merges already-ordered sources into one sequence ordered by time (ties: source order). Holds one
 * pending line per source, so memory does not grow with the length of the logs.
 */
export async function* interleaveByTime(sources: LogSource[], signal: AbortSignal): AsyncGenerator<ServiceLogLine> {
  const iterators = sources.map((s) => s.records[Symbol.asyncIterator]());
  try {
    const heads = await Promise.all(iterators.map((it) => it.next()));
    for (;;) {
      if (signal.aborted) return;
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]!;
        if (head.done) continue;
        if (pick === -1 || compareLogTimes(head.value.time ?? '', (heads[pick]!.value as LogRecord).time ?? '') < 0) {
          pick = i;
        }
      }
      if (pick === -1) return;
      const rec = heads[pick]!.value as LogRecord;
      const source = sources[pick]!;
      yield { service: source.service, replica: source.replica, container: source.container, stream: rec.stream, time: rec.time ?? '', text: rec.text };
      heads[pick] = await iterators[pick]!.next();
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.()));
  }
}
