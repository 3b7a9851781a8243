// docker exec with stdin attached, kept open: create, start hijacked, demultiplex stdout/stderr.
// The connection is the process's lifeline: closing it ends the process's input.
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ExecStream } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';

export interface ExecStreamOptions {
  user?: string;
  /** Aborting before the process started rejects; afterwards it closes the stream. */
  signal: AbortSignal;
}

export async function openExecStream(docker: Dockerode, id: string, cmd: string[], opts: ExecStreamOptions): Promise<ExecStream> {
  const interrupted = (): DevstackError => new DevstackError('interrupted', `exec ${cmd[0] ?? ''} in ${id}: interrupted`);
  if (opts.signal.aborted) throw interrupted();
  const exec = await docker.getContainer(id).exec({
    Cmd: cmd,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    ...(opts.user !== undefined ? { User: opts.user } : {}),
  });
  const socket = (await exec.start({ hijack: true, stdin: true, Detach: false, Tty: false })) as Duplex;
  if (opts.signal.aborted) {
    socket.destroy();
    throw interrupted();
  }
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(socket, stdout, stderr);
  const close = (): void => void socket.destroy();
  const ended = new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      opts.signal.removeEventListener('abort', close);
      socket.destroy();
      stdout.end();
      stderr.end();
      resolve();
    };
    socket.once('end', finish);
    socket.once('close', finish);
    socket.once('error', finish);
  });
  opts.signal.addEventListener('abort', close, { once: true });
  // Writes after the process is gone fail on the socket; `ended` already tells the owner.
  socket.on('error', () => undefined);
  return { stdin: socket, stdout, stderr, ended, close };
}
