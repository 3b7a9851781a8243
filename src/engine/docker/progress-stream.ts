// The JSON-lines progress streams of pull and build, read to the end with docker-modem's followProgress.
import type Dockerode from 'dockerode';
import { DevstackError } from '../../core/errors.js';

/** One line of a pull or build stream (the fields devstack reads). */
export interface ProgressMessage {
  status?: string;
  id?: string;
  progress?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: unknown;
}

/** The error a stream line carries, if any. */
export function streamLineError(msg: ProgressMessage): string | undefined {
  if (typeof msg.error === 'string' && msg.error !== '') return msg.error.trim();
  if (msg.errorDetail && typeof msg.errorDetail.message === 'string') return msg.errorDetail.message.trim();
  return undefined;
}

/**
 * Consumes the whole stream, calling `onMessage` per line. Resolves with the first error a line carried (the engine
 * reports a failed pull or build inside a stream that otherwise ends normally). Rejects 'interrupted' on abort.
 */
export function followProgressStream(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  onMessage: (msg: ProgressMessage) => void,
  signal: AbortSignal | undefined,
  what: string,
): Promise<{ streamError?: string }> {
  let streamError: string | undefined;
  return new Promise((resolve, reject) => {
    const onAbort = () => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (err: unknown) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(new DevstackError('interrupted', `${what}: interrupted`));
      else if (err) reject(err);
      else resolve(streamError === undefined ? {} : { streamError });
    };
    try {
      (docker.modem as { followProgress: FollowProgress }).followProgress(stream, finish, (msg) => {
        streamError ??= streamLineError(msg);
        try {
          onMessage(msg);
        } catch {
          // a failing progress sink must not break the stream
        }
      });
    } catch (err) {
      finish(err);
    }
  });
}

type FollowProgress = (
  stream: NodeJS.ReadableStream,
  onFinished: (err: unknown, output: unknown[]) => void,
  onProgress: (msg: ProgressMessage) => void,
) => void;
