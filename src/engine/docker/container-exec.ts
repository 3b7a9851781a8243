// docker exec: create, start (hijacked, no stdin), collect demultiplexed output, read the exit code.
import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ExecResult } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';

export interface ExecOptions {
  user?: string;
  workingDir?: string;
  env?: Record<string, string>;
  /** Ends the exec wait (the process in the container is left to finish). */
  signal?: AbortSignal;
  /** Each piece of output (stdout and stderr, in arrival order) as it comes. */
  onOutput?: (text: string) => void;
}

/** A Writable that keeps every chunk, in arrival order across stdout and stderr. */
function collector(chunks: Buffer[], onOutput?: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      onOutput?.(chunk.toString('utf8'));
      done();
    },
  });
}

export async function execInContainer(
  docker: Dockerode,
  id: string,
  cmd: string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const exec = await docker.getContainer(id).exec({
    Cmd: cmd,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    ...(opts.user !== undefined ? { User: opts.user } : {}),
    ...(opts.workingDir !== undefined ? { WorkingDir: opts.workingDir } : {}),
    ...(opts.env !== undefined ? { Env: Object.entries(opts.env).map(([k, v]) => `${k}=${v}`) } : {}),
  });
  const stream = (await exec.start({ hijack: true, stdin: false, Detach: false, Tty: false })) as NodeJS.ReadableStream &
    NodeJS.EventEmitter & { destroy(): void };
  const chunks: Buffer[] = [];
  const sink = collector(chunks, opts.onOutput);
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      stream.destroy();
      reject(new DevstackError('interrupted', `exec ${cmd.join(' ')} in ${id}: interrupted`));
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (err?: Error) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    stream.once('end', () => done());
    stream.once('close', () => done());
    stream.once('error', (err: Error) => done(err));
  });
  return { exitCode: await exitCodeOf(exec), output: Buffer.concat(chunks).toString('utf8') };
}

/** The engine may report the exec as running for a moment after its output ends: ask a few times. */
async function exitCodeOf(exec: Dockerode.Exec): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode;
    await new Promise((r) => setTimeout(r, 20));
  }
  return -1;
}
