// GET /events as an AsyncIterable of devstack EngineEvents, ended cleanly by the signal.
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { EngineEvent } from '../../core/engine.js';
import { LABEL } from '../../core/labels.js';

const EVENT_TYPES: EngineEvent['type'][] = ['container', 'network', 'volume', 'image'];

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/**
 * One /events line → EngineEvent; undefined for lines of other types. `labels` are the actor's attributes
 * (for containers: their labels plus `name`, `image`); `time` is in milliseconds since the epoch.
 */
export function parseEngineEvent(line: string): EngineEvent | undefined {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  const type = EVENT_TYPES.find((t) => t === raw.Type);
  if (type === undefined) return undefined;
  const labels = { ...(raw.Actor?.Attributes ?? {}) };
  const action = (raw.Action ?? raw.status ?? '').trim();
  const event: EngineEvent = {
    type,
    action,
    id: raw.Actor?.ID ?? raw.id ?? '',
    labels,
    time: raw.timeNano !== undefined ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000,
  };
  if (action === 'die' && labels.exitCode !== undefined && /^-?\d+$/.test(labels.exitCode)) {
    event.exitCode = Number(labels.exitCode);
  }
  return event;
}

export function eventFilters(filter: { project?: string }): Record<string, string[]> {
  const filters: Record<string, string[]> = { type: [...EVENT_TYPES] };
  if (filter.project !== undefined) filters.label = [`${LABEL.project}=${filter.project}`];
  return filters;
}

/**
 * Yields events until `signal` aborts (then returns without error) or the engine closes the stream.
 * Events are asked for from the moment of this call (`since`), so none is lost between the call and
 * the first pull of the iterator.
 */
export function streamEngineEvents(
  docker: Dockerode,
  filter: { project?: string },
  signal: AbortSignal,
): AsyncGenerator<EngineEvent> {
  const since = (Date.now() / 1000).toFixed(3);
  return readEvents(docker, { since, filters: JSON.stringify(eventFilters(filter)), abortSignal: signal }, signal);
}

async function* readEvents(docker: Dockerode, query: object, signal: AbortSignal): AsyncGenerator<EngineEvent> {
  if (signal.aborted) return;
  let stream: Readable;
  try {
    stream = (await docker.getEvents(query as Dockerode.GetEventsOptions)) as unknown as Readable;
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  let pending = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const event = line.trim() === '' ? undefined : parseEngineEvent(line);
        if (event !== undefined) yield event;
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    stream.destroy();
  }
}
