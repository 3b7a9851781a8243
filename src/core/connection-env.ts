// Host-facing connection settings of a running stack: DATABASE_URL, REDIS_URL, <SERVICE>_HOST and
// <SERVICE>_PORT_<CONTAINERPORT>, all with the effective (possibly remapped) host ports. Pure: the caller
// gives the compose services and the ports their running containers publish.
import type { PublishedPort } from './engine.js';
import type { ServiceConfig } from './model.js';
import { chooseReadySpec, DEFAULT_POSTGRES_PORT, DEFAULT_REDIS_PORT, postgresSettingsFromEnv } from './readiness.js';

export interface EnvEntry {
  key: string;
  value: string;
}

export interface ConnectionEnv {
  entries: EnvEntry[];
  /** What could not be derived, for a person: `db: container port 5432 is not published ...`. */
  notes: string[];
}

export interface ServicePorts {
  service: ServiceConfig;
  /** What its running container publishes; empty when it publishes nothing (or is not running). */
  published: PublishedPort[];
}

/** `my-db` → `MY_DB`; a leading digit gets an underscore (`1st` → `_1ST`). */
export function envKeyPrefix(service: string): string {
  const key = service.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return /^[0-9]/.test(key) ? `_${key}` : key;
}

/** Where a host-side client connects to a binding: wildcards become loopback. */
export function hostFacingAddress(hostIp: string): string {
  if (hostIp === '' || hostIp === '0.0.0.0') return '127.0.0.1';
  if (hostIp === '::' || hostIp === '[::]') return '::1';
  return hostIp.replace(/^\[(.*)\]$/, '$1');
}

/** The binding of one container port a host client should use: IPv4 first (works on every host). */
export function hostBinding(published: PublishedPort[], containerPort: number, protocol: 'tcp' | 'udp' = 'tcp'): PublishedPort | undefined {
  return published
    .filter((p) => p.containerPort === containerPort && p.protocol === protocol && p.hostPort > 0)
    .sort((a, b) => Number(a.hostIp.includes(':')) - Number(b.hostIp.includes(':')))[0];
}

export function postgresUrl(service: ServiceConfig, binding: PublishedPort): string {
  const { user, password, database } = postgresSettingsFromEnv(service.environment);
  const auth = password === '' ? encodeUrlPart(user) : `${encodeUrlPart(user)}:${encodeUrlPart(password)}`;
  return `postgresql://${auth}@${urlHost(binding)}:${binding.hostPort}/${encodeUrlPart(database)}`;
}

export function redisUrl(binding: PublishedPort): string {
  return `redis://${urlHost(binding)}:${binding.hostPort}`;
}

/**
 * The first Postgres-like service's URL is DATABASE_URL (the first Redis-like one's REDIS_URL); with several,
 * each also gets `<SERVICE>_DATABASE_URL` / `<SERVICE>_REDIS_URL`. Then, per service with published ports,
 * `<SERVICE>_HOST` and `<SERVICE>_PORT_<CONTAINERPORT>` (`_UDP` appended for udp). Services in compose order.
 */
export function deriveConnectionEnv(services: ServicePorts[]): ConnectionEnv {
  const notes: string[] = [];
  const urls = (kind: 'postgres' | 'redis', port: number, toUrl: (s: ServicePorts, b: PublishedPort) => string) => {
    const found: { service: string; url: string }[] = [];
    for (const s of services) {
      if (chooseReadySpec(s.service).kind !== kind) continue;
      const binding = hostBinding(s.published, port);
      if (binding) found.push({ service: s.service.name, url: toUrl(s, binding) });
      else notes.push(`${s.service.name}: container port ${port} is not published (or not running), so it has no host-facing URL`);
    }
    return found;
  };
  const databases = urls('postgres', DEFAULT_POSTGRES_PORT, (s, b) => postgresUrl(s.service, b));
  const caches = urls('redis', DEFAULT_REDIS_PORT, (_s, b) => redisUrl(b));

  const entries: EnvEntry[] = [];
  const seen = new Map<string, string>();
  const add = (key: string, value: string, owner: string) => {
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      notes.push(`${owner}: ${key} is already set for ${earlier}; left out`);
      return;
    }
    seen.set(key, owner);
    entries.push({ key, value });
  };

  if (databases[0]) add('DATABASE_URL', databases[0].url, databases[0].service);
  if (caches[0]) add('REDIS_URL', caches[0].url, caches[0].service);
  if (databases.length > 1) for (const d of databases) add(`${envKeyPrefix(d.service)}_DATABASE_URL`, d.url, d.service);
  if (caches.length > 1) for (const c of caches) add(`${envKeyPrefix(c.service)}_REDIS_URL`, c.url, c.service);

  for (const s of services) {
    const prefix = envKeyPrefix(s.service.name);
    const targets = uniqueTargets(s.published);
    const first = targets[0];
    if (!first) continue;
    add(`${prefix}_HOST`, hostFacingAddress(first.hostIp), s.service.name);
    for (const b of targets) {
      add(`${prefix}_PORT_${b.containerPort}${b.protocol === 'udp' ? '_UDP' : ''}`, String(b.hostPort), s.service.name);
    }
  }
  return { entries, notes };
}

/** One binding per container port and protocol (IPv4 first), ordered by container port. */
function uniqueTargets(published: PublishedPort[]): PublishedPort[] {
  const keys = [...new Set(published.filter((p) => p.hostPort > 0).map((p) => `${p.containerPort}/${p.protocol}`))];
  return keys
    .map((k) => {
      const [port, protocol] = k.split('/') as [string, 'tcp' | 'udp'];
      return hostBinding(published, Number(port), protocol) as PublishedPort;
    })
    .sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol));
}

function urlHost(binding: PublishedPort): string {
  const host = hostFacingAddress(binding.hostIp);
  return host.includes(':') ? `[${host}]` : host;
}

/** encodeURIComponent, plus the characters it leaves that are awkward in URLs and shells: ! ' ( ) *. */
function encodeUrlPart(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
