// Readiness: how devstack decides a service is ready. Pure rules; the probes live in src/engine/probes.
import type { ReadySpec, ServiceConfig } from './model.js';

/** Repository basenames whose images speak the Postgres protocol on 5432. */
const POSTGRES_IMAGES = new Set(['postgres', 'postgresql', 'pgvector', 'postgis', 'timescaledb', 'timescaledb-ha']);
/** Repository basenames whose images speak the Redis protocol on 6379. */
const REDIS_IMAGES = new Set(['redis', 'redis-stack', 'redis-stack-server', 'valkey', 'keydb']);

export const DEFAULT_POSTGRES_PORT = 5432;
export const DEFAULT_REDIS_PORT = 6379;

/**
 * The last path segment of an image reference, without registry, tag or digest:
 * `registry.example.com:5000/timescale/timescaledb:2.14-pg16@sha256:…` → `timescaledb`.
 */
export function imageRepositoryBasename(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return (colon === -1 ? lastSegment : lastSegment.slice(0, colon)).toLowerCase();
}

/** The probe an image name implies, if it names a server devstack knows. */
export function readySpecFromImage(image: string | undefined): ReadySpec | undefined {
  if (!image) return undefined;
  const basename = imageRepositoryBasename(image);
  if (POSTGRES_IMAGES.has(basename)) return { kind: 'postgres' };
  if (REDIS_IMAGES.has(basename)) return { kind: 'redis' };
  return undefined;
}

/** A compose healthcheck that is declared and not disabled (`disable: true` or test `NONE`). */
export function hasActiveHealthcheck(service: ServiceConfig): boolean {
  const hc = service.healthcheck;
  if (!hc || hc.disable) return false;
  return hc.test?.[0]?.toUpperCase() !== 'NONE';
}

/** Programs whose presence as the command keeps the image's server running (`redis-server --appendonly yes`). */
const SERVER_PROGRAMS = /(^|\/)(postgres|postmaster|redis-server|redis-stack-server|valkey-server|keydb-server|docker-entrypoint\.sh)$/;
/** The official images' entrypoint script: it starts the server only when given no command, a flag or the server. */
const ENTRYPOINT_SCRIPT = /(^|\/)docker-entrypoint\.sh$/;

/**
 * The image's own server still runs: no command or entrypoint override, or ones that start that server (or pass it
 * flags). `entrypoint: [psql, …]` or `entrypoint: [sh, -c]` runs a client instead, like `command: [psql, …]`.
 */
export function runsImageServer(service: ServiceConfig): boolean {
  const entrypoint = service.entrypoint ?? [];
  // An entrypoint replaces the image's: what it runs is its own first word (the image's entrypoint script, or the
  // server itself), then what that script is given (the rest of it, else the command).
  if (entrypoint.length > 0) {
    if (!SERVER_PROGRAMS.test(entrypoint[0] ?? '')) return false;
    if (!ENTRYPOINT_SCRIPT.test(entrypoint[0] ?? '')) return true;
    const [next] = [...entrypoint.slice(1), ...(service.command ?? [])];
    return next === undefined || next.startsWith('-') || SERVER_PROGRAMS.test(next);
  }
  const command = service.command;
  if (!command || command.length === 0) return true;
  const first = command[0] ?? '';
  return first.startsWith('-') || SERVER_PROGRAMS.test(first);
}

/**
 * Explicit `x-devstack.ready` → the image's server (unless the command runs something else) → the compose
 * healthcheck → running.
 */
export function chooseReadySpec(service: ServiceConfig): ReadySpec {
  if (service.devstack.ready) return service.devstack.ready;
  const fromImage = readySpecFromImage(service.image);
  if (fromImage && runsImageServer(service)) return fromImage;
  if (hasActiveHealthcheck(service)) return { kind: 'healthcheck' };
  return { kind: 'none' };
}

/** One short phrase for progress lines: `postgres (SELECT 1)`, `http GET /health → 2xx/3xx`. */
export function describeReadySpec(spec: ReadySpec): string {
  switch (spec.kind) {
    case 'postgres':
      return 'postgres (SELECT 1)';
    case 'redis':
      return 'redis (PING)';
    case 'http':
      return `http GET ${spec.path} → ${spec.status ?? '2xx/3xx'}`;
    case 'tcp':
      return spec.port === undefined ? 'tcp connect' : `tcp connect :${spec.port}`;
    case 'log':
      return `log line /${spec.pattern}/`;
    case 'healthcheck':
      return 'healthcheck';
    case 'none':
      return 'running';
  }
}

export interface PostgresConnectionSettings {
  user: string;
  password: string;
  database: string;
}

/** What the official Postgres image's entrypoint sets up from the container environment. */
export function postgresSettingsFromEnv(env: Record<string, string>): PostgresConnectionSettings {
  const user = nonEmpty(env.POSTGRES_USER) ?? 'postgres';
  return {
    user,
    password: env.POSTGRES_PASSWORD ?? '',
    database: nonEmpty(env.POSTGRES_DB) ?? user,
  };
}

/**
 * The container port a probe talks to: the protocol default for postgres/redis, an explicit tcp port,
 * else the first published container port, else the first `expose` entry.
 */
export function defaultProbePort(spec: ReadySpec, service: ServiceConfig): number | undefined {
  if (spec.kind === 'postgres') return DEFAULT_POSTGRES_PORT;
  if (spec.kind === 'redis') return DEFAULT_REDIS_PORT;
  if (spec.kind === 'tcp' && spec.port !== undefined) return spec.port;
  const published = service.ports.find((p) => p.protocol === 'tcp');
  if (published) return published.target;
  for (const entry of service.expose) {
    const match = /^(\d+)(?:-\d+)?(?:\/tcp)?$/.exec(entry.trim());
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
