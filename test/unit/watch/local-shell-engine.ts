// A stand-in engine for the sync path: `openExecStream` runs the command as a local process (so the
// real helper script runs in a real sh), putArchive and exec record what they were asked.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ExecPort, ExecResult, ExecStream } from '../../../src/core/engine.js';
import type { MaybeExecStream } from '../../../src/engine/watch/sync-channel.js';

/** The part of the exec role the sync path uses; `streams: false` leaves out the exec stream. */
export type SyncEngine = Pick<ExecPort, 'exec' | 'putArchive'> & MaybeExecStream;

export interface LocalShellEngine {
  engine: SyncEngine;
  opened: string[][];
  archives: Buffer[];
  execs: string[][];
  /** The local processes started, to end them from a test ("the container restarted"). */
  processes: { kill(): void; ended: Promise<void> }[];
}

export function localShellEngine(opts: { streams?: boolean; wrap?: (cmd: string[]) => string[] } = {}): LocalShellEngine {
  const out: Omit<LocalShellEngine, 'engine'> = { opened: [], archives: [], execs: [], processes: [] };
  const engine: SyncEngine = {
    putArchive: async (_id: string, _dest: string, tar: Readable) => {
      const chunks: Buffer[] = [];
      for await (const c of tar) chunks.push(c as Buffer);
      out.archives.push(Buffer.concat(chunks));
    },
    exec: async (_id: string, cmd: string[]): Promise<ExecResult> => {
      out.execs.push(cmd);
      return { exitCode: 0, output: '' };
    },
  };
  if (opts.streams !== false) {
    engine.openExecStream = async (_id: string, cmd: string[]): Promise<ExecStream> => {
      out.opened.push(cmd);
      const [file, ...args] = opts.wrap ? opts.wrap(cmd) : cmd;
      const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdin.on('error', () => undefined);
      const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
      out.processes.push({ kill: () => void child.kill('SIGKILL'), ended });
      return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, ended, close: () => void child.stdin.end() };
    };
  }
  return { ...out, engine };
}
