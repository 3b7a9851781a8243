// One container's log lines from the engine, as an async iterator that reads only as fast as its
// consumer pulls (the HTTP response is paused between pulls), ended by the signal.
import type { IncomingMessage } from 'node:http';
import type Dockerode from 'dockerode';
import type { LogOptions, LogRecord } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import { LogStreamDecoder } from './log-frames.js';

export async function* streamContainerLogs(
  docker: Dockerode,
  id: string,
  opts: LogOptions,
  signal: AbortSignal,
): AsyncIterable<LogRecord> {
  if (signal.aborted) return;
  let response: IncomingMessage;
  let tty: boolean;
  try {
    const info = await docker.getContainer(id).inspect({ abortSignal: signal });
    tty = info.Config.Tty === true;
    response = await openLogResponse(docker, id, opts, signal);
  } catch (err) {
    if (signal.aborted) return;
    throw logError(id, err);
  }
  const decoder = new LogStreamDecoder({ multiplexed: !tty, timestamps: opts.timestamps });
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      yield* decoder.push(chunk);
    }
    yield* decoder.end();
  } catch (err) {
    if (signal.aborted) return;
    throw logError(id, err);
  } finally {
    response.destroy();
  }
}

/** The query of GET /containers/{id}/logs; only the parameters that are set. */
export function logQuery(opts: LogOptions): Record<string, string | number | boolean> {
  const query: Record<string, string | number | boolean> = {
    follow: opts.follow,
    stdout: true,
    stderr: true,
    timestamps: opts.timestamps,
  };
  if (opts.tail !== undefined) query.tail = Math.max(0, Math.floor(opts.tail));
  if (opts.since !== undefined) query.since = unixSecondsParam(opts.since);
  if (opts.until !== undefined) query.until = unixSecondsParam(opts.until);
  return query;
}

/** `seconds.nanoseconds`, the form the engine parses without losing the fraction. */
export function unixSecondsParam(seconds: number): string {
  const whole = Math.floor(seconds);
  const nanos = Math.min(999_999_999, Math.max(0, Math.round((seconds - whole) * 1e9)));
  return `${whole}.${String(nanos).padStart(9, '0')}`;
}

function openLogResponse(docker: Dockerode, id: string, opts: LogOptions, signal: AbortSignal): Promise<IncomingMessage> {
  // dockerode's container.logs() buffers the whole body unless follow is set; dial as a stream always.
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: logQuery(opts),
      },
      (err, res) => (err ? reject(err) : resolve(res as IncomingMessage)),
    );
  });
}

function logError(id: string, err: unknown): Error {
  if (err instanceof DevstackError) return err;
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404) {
    return new DevstackError('not-found', `No container ${id.slice(0, 12)} to read logs from.`, {
      hint: 'It may have been removed; `devstack ps` lists the containers of the project.',
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new DevstackError('engine', `Reading the logs of container ${id.slice(0, 12)} failed: ${message}`, {
    hint: 'Check that the Docker Engine is running (`docker info`).',
    cause: err,
  });
}
