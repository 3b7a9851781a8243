// An engine behind ssh://[user@]host[:port], reached like the docker CLI does: the system's `ssh` runs
// `docker system dial-stdio` on the remote, and its stdin/stdout carry one HTTP connection to the remote engine.
// The system's ssh (not ssh2) so ~/.ssh/config, agents, ProxyJump and known_hosts apply as they do for `docker`.
// The same ssh reaches a port on the engine host (`ssh -W host:port`): readiness probes and `devstack forward`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type net from 'node:net';
import { Duplex } from 'node:stream';
import type { PortRelay } from '../../core/engine.js';
import { listenLoopbackRelay } from '../ports/loopback-relay.js';

export interface SshTarget {
  host: string;
  user?: string;
  port?: number;
  /** The engine's socket on the remote, when the address names one (ssh://host/run/docker.sock). */
  socketPath?: string;
  /** Extra `-o` options (connection sharing, see sshMultiplexing). */
  sshOptions?: string[];
}

/**
 * Connection sharing (the docker CLI's ControlPath in the docker config folder), only when DOCKER_SSH_MUX_PERSIST is
 * set: then the master is a background ssh of its own. Without it the first connection's ssh would be the master,
 * and closing that one connection (devstack ends idle ones) cut every connection riding on it — measured:
 * "ssh exited with code 255" in the middle of `up`. DOCKER_SSH_NO_MUX=1 turns it off in any case.
 */
export function sshMultiplexing(env: Record<string, string | undefined>, configDir: string): string[] {
  if (/^(1|t|true)$/i.test(env.DOCKER_SSH_NO_MUX ?? '')) return [];
  if (!env.DOCKER_SSH_MUX_PERSIST) return [];
  return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${configDir}/%r@%h:%p`, '-o', `ControlPersist=${env.DOCKER_SSH_MUX_PERSIST}`];
}

/** Fail fast instead of prompting: devstack has no terminal to offer ssh, and a wrong key must be an error in < 5 s. */
const SSH_OPTIONS = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=4', '-o', 'ServerAliveInterval=15'];

/** ssh's arguments up to and including the destination (`-T`: no terminal, `--`: the host is never an option). */
export function sshBaseArgs(target: SshTarget): string[] {
  return [
    ...SSH_OPTIONS,
    ...(target.sshOptions ?? []),
    '-T',
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port !== undefined ? ['-p', String(target.port)] : []),
    '--',
    target.host,
  ];
}

/** `ssh … host docker [--host unix://path] system dial-stdio` */
export function dialStdioArgs(target: SshTarget): string[] {
  const hostFlag = target.socketPath ? [`--host=unix://${target.socketPath}`] : [];
  return [...sshBaseArgs(target), 'docker', ...hostFlag, 'system', 'dial-stdio'];
}

/** `ssh -W host:port …`: stdin/stdout become a TCP connection made by the remote host. */
export function forwardArgs(target: SshTarget, toHost: string, toPort: number): string[] {
  const dest = toHost.includes(':') ? `[${toHost}]:${toPort}` : `${toHost}:${toPort}`;
  return ['-W', dest, ...sshBaseArgs(target)];
}

/** The last lines ssh wrote to stderr, as one reason ("Permission denied (publickey)."). */
function sshReason(stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Warning: Permanently added'));
  const text = lines.slice(-2).join(' ');
  if (text !== '') return text.startsWith('ssh:') ? text : `ssh: ${text}`;
  return signal ? `ssh ended by ${signal}` : `ssh exited with code ${code ?? '?'}`;
}

/** One ssh child as a socket-like duplex stream, as node's http client and net.Socket users expect. */
export class SshStdioStream extends Duplex {
  private readonly child: ChildProcess;
  private stderr = '';
  private gotData = false;

  constructor(args: string[]) {
    super({ allowHalfOpen: true });
    this.child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const { stdin, stdout, stderr } = this.child;
    if (!stdin || !stdout || !stderr) throw new Error('ssh: no stdio pipes');
    stdout.on('data', (chunk: Buffer) => {
      this.gotData = true;
      if (!this.push(chunk)) stdout.pause();
    });
    // The end of the stream is decided at 'close' (after the exit code is known): a failed ssh is an error, not an EOF.
    stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    stdin.on('error', () => undefined); // EPIPE after ssh exited: the exit says why
    this.child.on('error', (err) => this.destroy(err));
    this.child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code !== 0 && !this.gotData) {
        const error = Object.assign(new Error(sshReason(this.stderr, code, signal)), { code: 'ESSH' });
        this.destroy(error);
        return;
      }
      this.push(null);
    });
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) return done();
    stdin.write(chunk, () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.child.stdin?.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    done(err);
  }

  // What node's http client and Agent call on a socket; a pipe to a child has nothing to tune.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  /** An idle kept-alive connection must not hold the process open. */
  unref(): this {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as net.Socket | null)?.unref?.();
    return this;
  }
  ref(): this {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as net.Socket | null)?.ref?.();
    return this;
  }
}

/** The folder of the ControlPath must exist, or ssh shares nothing (it still connects). */
function ensureControlDir(target: SshTarget): void {
  const controlPath = target.sshOptions?.find((o) => o.startsWith('ControlPath='));
  if (!controlPath) return;
  try {
    mkdirSync(path.dirname(controlPath.slice('ControlPath='.length)), { recursive: true, mode: 0o700 });
  } catch {
    // ssh says why on its stderr and goes on without sharing
  }
}

/**
 * An http.Agent whose connections are `ssh … docker system dial-stdio` children; idle ones are kept for reuse.
 * The first connection also starts one spare in parallel: commands ask a few things at once right after the first
 * answer (list, then inspect each container), and a ready spare saves them a second ssh handshake.
 */
export function sshDialAgent(target: SshTarget): http.Agent {
  ensureControlDir(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4 });
  const args = dialStdioArgs(target);
  let spare: SshStdioStream | undefined;
  let warmed = false;
  const ignore = () => undefined;
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => {
    let stream = spare && !spare.destroyed ? spare : undefined;
    spare = undefined;
    if (stream) {
      stream.off('error', ignore);
      stream.ref();
    } else {
      stream = new SshStdioStream(args);
    }
    if (!warmed) {
      warmed = true;
      spare = new SshStdioStream(args);
      spare.on('error', ignore); // a spare that fails is simply not used
      spare.unref();
    }
    return stream;
  };
  return agent;
}

/**
 * Listens on this host's loopback (`localPort`, 0 = any) and carries each connection over `ssh -W` to
 * `toHost:toPort` as the engine host sees it.
 */
export function openSshRelay(target: SshTarget, toHost: string, toPort: number, localPort = 0, opts: { keepAlive?: boolean } = {}): Promise<PortRelay> {
  const args = forwardArgs(target, toHost, toPort);
  return listenLoopbackRelay(localPort, () => new SshStdioStream(args), opts);
}
