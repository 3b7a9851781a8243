// Test-only engine on the docker CLI, with the roles probes and port planning use (container queries, events and
// logs, exec; a local engine, so nothing to say about how it is reached). Keeps these tests independent of the
// dockerode adapter.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type {
  ContainerDetails, ContainerInfo, ContainerQueryPort, ContainerStatus, EngineEvent, EngineReachPort, EventsLogsPort, ExecPort, ExecStream, HealthStatus, LogRecord,
  PublishedPort,
} from '../../src/core/engine.js';
import { LABEL } from '../../src/core/labels.js';

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function uniquePrefix(): string {
  return `dsprobe-${randomBytes(4).toString('hex')}`;
}

/** Fails (does not skip) when no engine answers. */
export function requireEngine(): void {
  docker('version', '--format', '{{.Server.Version}}');
}

/** Removes every container and volume carrying the project label (ours only: the prefix is random). */
export function removeProject(project: string): void {
  const ids = docker('ps', '-aq', '--filter', `label=${LABEL.project}=${project}`).split('\n').filter(Boolean);
  if (ids.length > 0) docker('rm', '-f', '-v', ...ids);
}

interface InspectJson {
  Id: string;
  Name: string;
  Created: string;
  Config: { Image: string; Labels: Record<string, string> | null; Env: string[] | null; Tty: boolean };
  State: {
    Status: ContainerStatus;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    OOMKilled: boolean;
    Error: string;
    Health?: { Status: HealthStatus; Log: { ExitCode: number; Output: string; End: string }[] | null };
  };
  RestartCount: number;
  NetworkSettings: {
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks: Record<string, { IPAddress: string; Aliases: string[] | null }>;
  };
}

function toDetails(json: InspectJson): ContainerDetails {
  const ports: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(json.NetworkSettings.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const b of bindings ?? []) {
      ports.push({ containerPort: Number(port), protocol: protocol === 'udp' ? 'udp' : 'tcp', hostIp: b.HostIp, hostPort: Number(b.HostPort) });
    }
  }
  const env: Record<string, string> = {};
  for (const entry of json.Config.Env ?? []) env[entry.slice(0, entry.indexOf('='))] = entry.slice(entry.indexOf('=') + 1);
  return {
    id: json.Id,
    name: json.Name.replace(/^\//, ''),
    image: json.Config.Image,
    status: json.State.Status,
    labels: json.Config.Labels ?? {},
    ports,
    createdAt: Date.parse(json.Created) / 1000,
    health: json.State.Health?.Status ?? 'none',
    healthLog: (json.State.Health?.Log ?? []).map((l) => ({ exitCode: l.ExitCode, output: l.Output, at: l.End })),
    exitCode: json.State.Status === 'exited' ? json.State.ExitCode : null,
    startedAt: json.State.StartedAt,
    finishedAt: json.State.FinishedAt,
    restartCount: json.RestartCount,
    tty: json.Config.Tty,
    networks: Object.fromEntries(
      Object.entries(json.NetworkSettings.Networks).map(([name, n]) => [name, { ipAddress: n.IPAddress, aliases: n.Aliases ?? [] }]),
    ),
    env,
    oomKilled: json.State.OOMKilled,
    error: json.State.Error,
  };
}

function inspectAll(ids: string[]): ContainerDetails[] {
  if (ids.length === 0) return [];
  return (JSON.parse(docker('inspect', ...ids)) as InspectJson[]).map(toDetails);
}

async function* lines(args: string[], signal: AbortSignal, both: boolean): AsyncGenerator<{ stream: 'stdout' | 'stderr'; text: string }> {
  const child = spawn('docker', args, { stdio: ['ignore', 'pipe', both ? 'pipe' : 'ignore'] });
  const kill = () => child.kill('SIGTERM');
  signal.addEventListener('abort', kill, { once: true });
  const queue: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  let wake: (() => void) | undefined;
  let open = both ? 2 : 1;
  const read = (stream: 'stdout' | 'stderr', source: NodeJS.ReadableStream) => {
    const rl = createInterface({ input: source });
    rl.on('line', (text) => {
      queue.push({ stream, text });
      wake?.();
    });
    rl.on('close', () => {
      open -= 1;
      wake?.();
    });
  };
  if (child.stdout) read('stdout', child.stdout);
  if (both && child.stderr) read('stderr', child.stderr);
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (open === 0 || signal.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    signal.removeEventListener('abort', kill);
    kill();
  }
}

export type CliEngine = ContainerQueryPort & EventsLogsPort & ExecPort & EngineReachPort;

export function cliEngine(): CliEngine {
  return {
    inspectContainer: async (id) => {
      const [details] = inspectAll([id]);
      if (!details) throw new Error(`no container ${id}`);
      return details;
    },
    listProjectContainers: async (project): Promise<ContainerInfo[]> =>
      inspectAll(docker('ps', '-aq', '--no-trunc', '--filter', `label=${LABEL.project}=${project}`).split('\n').filter(Boolean)),
    listPublishedPorts: async () =>
      inspectAll(docker('ps', '-q', '--no-trunc').split('\n').filter(Boolean)).flatMap((c) =>
        c.ports
          .filter((p) => p.hostPort > 0)
          .map((port) => ({ containerName: c.name, ...(c.labels[LABEL.project] ? { project: c.labels[LABEL.project] } : {}), port })),
      ),
    events: (filter, signal) => {
      const args = ['events', '--format', '{{json .}}', '--filter', 'type=container'];
      if (filter.project) args.push('--filter', `label=${LABEL.project}=${filter.project}`);
      return (async function* (): AsyncGenerator<EngineEvent> {
        for await (const line of lines(args, signal, false)) {
          const raw = JSON.parse(line.text) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> }; time: number; timeNano?: number };
          const exitCode = raw.Actor.Attributes.exitCode;
          yield {
            type: 'container',
            action: raw.Action,
            id: raw.Actor.ID,
            labels: raw.Actor.Attributes,
            // Milliseconds, as the dockerode adapter gives them.
            time: raw.timeNano === undefined ? raw.time * 1000 : Math.floor(raw.timeNano / 1e6),
            ...(exitCode === undefined ? {} : { exitCode: Number(exitCode) }),
          };
        }
      })();
    },
    logs: (id, opts, signal) => {
      const args = ['logs', ...(opts.follow ? ['--follow'] : []), ...(opts.timestamps ? ['--timestamps'] : []), id];
      return (async function* (): AsyncGenerator<LogRecord> {
        for await (const line of lines(args, signal, true)) {
          if (!opts.timestamps) {
            yield line;
            continue;
          }
          const space = line.text.indexOf(' ');
          yield { stream: line.stream, time: line.text.slice(0, space), text: line.text.slice(space + 1) };
        }
      })();
    },
    exec: async (id, cmd, opts = {}) => {
      const run = spawnSync('docker', ['exec', ...(opts.user ? ['--user', opts.user] : []), ...(opts.workingDir ? ['--workdir', opts.workingDir] : []), id, ...cmd], { encoding: 'utf8' });
      const output = `${run.stdout}${run.stderr}`;
      if (output) opts.onOutput?.(output);
      return { exitCode: run.status ?? 1, output };
    },
    openExecStream: async (id, cmd, opts): Promise<ExecStream> => {
      const child = spawn('docker', ['exec', '-i', ...(opts.user ? ['--user', opts.user] : []), id, ...cmd], { stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
      child.on('error', () => undefined);
      const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
      return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, ended, close: () => void child.stdin.end() };
    },
    putArchive: async (id: string, destDir: string, tar: Readable) => {
      const child = spawn('docker', ['cp', '-', `${id}:${destDir}`], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      tar.pipe(child.stdin);
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      if (code !== 0) throw new Error(`docker cp into ${id}:${destDir}: ${stderr.trim()}`);
    },
  };
}
