// docker pull: the progress stream read to its end; an error inside the stream is an error.
import type Dockerode from 'dockerode';
import type { ProgressSink } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import { connectionFailureReason, engineMessage, toDevstackError } from './engine-errors.js';
import { followProgressStream, type ProgressMessage } from './progress-stream.js';

const PULL_HINT = 'Check the image name and tag, and that its registry is reachable (docker login if it is private).';

function pullFailed(ref: string, reason: string, cause?: unknown): DevstackError {
  return new DevstackError('engine', `pull of ${ref} failed: ${reason}`, { hint: PULL_HINT, cause });
}

/** Short progress lines: one per layer and status change, without progress bars. */
function progressLines(onProgress: ProgressSink | undefined): (msg: ProgressMessage) => void {
  const lastStatus = new Map<string, string>();
  return (msg) => {
    if (!onProgress || typeof msg.status !== 'string') return;
    const key = msg.id ?? '';
    if (lastStatus.get(key) === msg.status) return;
    lastStatus.set(key, msg.status);
    onProgress(msg.id ? `${msg.id}: ${msg.status}` : msg.status);
  };
}

export async function pullImage(
  docker: Dockerode,
  address: string,
  ref: string,
  opts: { signal?: AbortSignal; onProgress?: ProgressSink },
): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(ref, { abortSignal: opts.signal })) as NodeJS.ReadableStream;
  } catch (err) {
    if (connectionFailureReason(err) !== undefined || opts.signal?.aborted) throw toDevstackError(err, `pull ${ref}`, address);
    throw pullFailed(ref, engineMessage(err), err);
  }
  let streamError: string | undefined;
  try {
    ({ streamError } = await followProgressStream(docker, stream, progressLines(opts.onProgress), opts.signal, `pull ${ref}`));
  } catch (err) {
    throw toDevstackError(err, `pull ${ref}`, address);
  }
  if (streamError !== undefined) throw pullFailed(ref, streamError);
}
