// docker build with the classic builder: POST /build with our own tar context, the output stream read
// to its end; an error line fails the build with the last lines of output as details.
import type Dockerode from 'dockerode';
import type { BuildRequest, ProgressSink } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import { createBuildContext, resolveBuildPaths } from './build-context.js';
import { connectionFailureReason, engineMessage, toDevstackError } from './engine-errors.js';
import { followProgressStream } from './progress-stream.js';

const TAIL_LINES = 20;

/** Keeps the last `size` lines. */
class LineTail {
  readonly lines: string[] = [];
  constructor(private readonly size: number) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
}

function buildFailed(tag: string, reason: string, tail: string[], cause?: unknown): DevstackError {
  return new DevstackError('service-failed', `build of ${tag} failed: ${reason}`, {
    details: tail,
    hint: 'Fix the Dockerfile step shown above, then run again.',
    cause,
  });
}

export function buildQuery(req: BuildRequest, dockerfileInContext: string): Record<string, unknown> {
  return {
    t: req.extraTags && req.extraTags.length > 0 ? [req.tag, ...req.extraTags] : req.tag,
    dockerfile: dockerfileInContext,
    buildargs: req.args,
    labels: req.labels,
    rm: true,
    forcerm: true,
    ...(req.target ? { target: req.target } : {}),
    ...(req.noCache ? { nocache: true } : {}),
    ...(req.network ? { networkmode: req.network } : {}),
    ...(req.cacheFrom && req.cacheFrom.length > 0 ? { cachefrom: JSON.stringify(req.cacheFrom) } : {}),
    ...(req.extraHosts && req.extraHosts.length > 0 ? { extrahosts: req.extraHosts.join(',') } : {}),
    ...(req.shmSize !== undefined ? { shmsize: req.shmSize } : {}),
    ...(req.platform ? { platform: req.platform } : {}),
  };
}

export async function buildImage(
  docker: Dockerode,
  address: string,
  req: BuildRequest,
  opts: { signal?: AbortSignal; onProgress?: ProgressSink },
): Promise<void> {
  const what = `build ${req.tag}`;
  const paths = await resolveBuildPaths(req);
  const context = await createBuildContext(req);
  const tail = new LineTail(TAIL_LINES);
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.buildImage(context, {
      ...buildQuery(req, paths.dockerfileInContext),
      abortSignal: opts.signal,
    } as Dockerode.ImageBuildOptions)) as NodeJS.ReadableStream;
  } catch (err) {
    context.destroy();
    if (connectionFailureReason(err) !== undefined || opts.signal?.aborted) throw toDevstackError(err, what, address);
    throw buildFailed(req.tag, engineMessage(err), tail.lines, err);
  }
  let streamError: string | undefined;
  try {
    ({ streamError } = await followProgressStream(
      docker,
      stream,
      (msg) => {
        const text = typeof msg.stream === 'string' ? msg.stream : typeof msg.status === 'string' ? msg.status : '';
        for (const line of text.split(/\r?\n/)) {
          const trimmed = line.trimEnd();
          if (trimmed === '') continue;
          tail.push(trimmed);
          opts.onProgress?.(trimmed);
        }
      },
      opts.signal,
      what,
    ));
  } catch (err) {
    throw toDevstackError(err, what, address);
  }
  if (streamError !== undefined) throw buildFailed(req.tag, streamError, tail.lines);
}
