// The second engine scripts/remote-engine.sh runs in network namespace devstack-r, for the remote-engine tests:
// its addresses, the docker CLI pointed at it, a project-scoped cleanup, and the built CLI run as a child.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LABEL } from '../../../src/core/labels.js';
import { BIN } from '../../smoke/support/cli.js';

export interface Remote {
  address: string;
  /** The network namespace the engine (and its host's ports) live in. */
  namespace: string;
  socket: string;
  sshHost: string;
  tlsHost: string;
  tlsCertPath: string;
}

/** Throws (failing the file) when the engine was not set up: run `npm run remote-engine`. */
export function loadRemote(): Remote {
  const remote = JSON.parse(readFileSync('/var/lib/devstack-remote/remote.json', 'utf8')) as Remote;
  execFileSync('docker', ['-H', remote.socket, 'version', '--format', '{{.Server.Version}}'], { stdio: 'pipe' });
  return remote;
}

export function remoteDocker(remote: Remote, ...args: string[]): string {
  return execFileSync('docker', ['-H', remote.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function uniqueProject(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Removes the project's containers, volumes and networks from the remote engine (nothing else). */
export function removeRemoteProject(remote: Remote, project: string): void {
  const run = (...args: string[]) => remoteDocker(remote, ...args).split('\n').filter(Boolean);
  const ids = run('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`);
  if (ids.length > 0) run('rm', '-f', '-v', ...ids);
  const volumes = run('volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`);
  if (volumes.length > 0) run('volume', 'rm', '-f', ...volumes);
  const networks = run('network', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`);
  if (networks.length > 0) run('network', 'rm', ...networks);
}

/** Polls `probe` (a throw counts as "not yet") until it gives a value, up to `limitMs`. */
export async function eventually<T>(what: string, probe: () => T | undefined, limitMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = probe();
    } catch {
      value = undefined;
    }
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface CliChild {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  /** Ctrl-C, then its exit code. */
  interrupt: () => Promise<number | null>;
}

/** The built CLI as a child process (stdout and stderr gathered together). */
export function startCli(args: string[], cwd: string, env: Record<string, string | undefined>): CliChild {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exit,
    interrupt: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exit;
    },
  };
}
