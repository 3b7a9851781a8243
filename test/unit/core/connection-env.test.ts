import { describe, expect, it } from 'vitest';
import { deriveConnectionEnv, envKeyPrefix, hostFacingAddress, type ServicePorts } from '../../../src/core/connection-env.js';
import type { PublishedPort } from '../../../src/core/engine.js';
import { service } from './fixtures.js';

const port = (containerPort: number, hostPort: number, hostIp = '127.0.0.1', protocol: 'tcp' | 'udp' = 'tcp'): PublishedPort => ({ containerPort, hostPort, hostIp, protocol });
const pg = (name: string, env: Record<string, string>, published: PublishedPort[]): ServicePorts => ({ service: service(name, { image: 'postgres:16-alpine', environment: env }), published });
const env = (services: ServicePorts[]) => Object.fromEntries(deriveConnectionEnv(services).entries.map((e) => [e.key, e.value]));

describe('deriveConnectionEnv', () => {
  it('one Postgres and one Redis: DATABASE_URL, REDIS_URL, then HOST and PORT per service, with effective ports', () => {
    const result = deriveConnectionEnv([
      pg('postgres', { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'shop' }, [port(5432, 5438)]),
      { service: service('redis', { image: 'redis:7-alpine' }), published: [port(6379, 6380)] },
      { service: service('worker', { image: 'node:20-alpine' }), published: [] },
    ]);
    expect(result.entries).toEqual([
      { key: 'DATABASE_URL', value: 'postgresql://app:secret@127.0.0.1:5438/shop' },
      { key: 'REDIS_URL', value: 'redis://127.0.0.1:6380' },
      { key: 'POSTGRES_HOST', value: '127.0.0.1' },
      { key: 'POSTGRES_PORT_5432', value: '5438' },
      { key: 'REDIS_HOST', value: '127.0.0.1' },
      { key: 'REDIS_PORT_6379', value: '6380' },
    ]);
    expect(result.notes).toEqual([]);
  });

  it('defaults like the Postgres image: user postgres, database = user; no password → no colon', () => {
    expect(env([pg('db', {}, [port(5432, 5432)])]).DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/postgres');
    expect(env([pg('db', { POSTGRES_USER: 'me', POSTGRES_PASSWORD: 'x' }, [port(5432, 5432)])]).DATABASE_URL).toBe('postgresql://me:x@127.0.0.1:5432/me');
  });

  it('percent-encodes user, password and database, including quotes and parentheses', () => {
    const url = env([pg('db', { POSTGRES_USER: 'a@b', POSTGRES_PASSWORD: "p:/?#[]@!$&'()*+,;= %", POSTGRES_DB: 'my db' }, [port(5432, 1)])]).DATABASE_URL!;
    expect(url).toBe('postgresql://a%40b:p%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%20%25@127.0.0.1:1/my%20db');
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe("p:/?#[]@!$&'()*+,;= %");
  });

  it('several Postgres services: DATABASE_URL is the first, and each gets <SERVICE>_DATABASE_URL', () => {
    const out = env([pg('main-db', { POSTGRES_PASSWORD: 'a' }, [port(5432, 5432)]), pg('audit', { POSTGRES_PASSWORD: 'b' }, [port(5432, 5433)])]);
    expect(out.DATABASE_URL).toBe('postgresql://postgres:a@127.0.0.1:5432/postgres');
    expect(out.MAIN_DB_DATABASE_URL).toBe(out.DATABASE_URL);
    expect(out.AUDIT_DATABASE_URL).toBe('postgresql://postgres:b@127.0.0.1:5433/postgres');
  });

  it('recognises Postgres and Redis the way readiness does (x-devstack.ready, image names)', () => {
    const out = env([
      { service: service('store', { image: 'example/custom:1', devstack: { ready: { kind: 'postgres' } } }), published: [port(5432, 7000)] },
      { service: service('cache', { image: 'valkey/valkey:8' }), published: [port(6379, 7001)] },
    ]);
    expect(out.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:7000/postgres');
    expect(out.REDIS_URL).toBe('redis://127.0.0.1:7001');
  });

  it('wildcard and IPv6 bindings: IPv4 preferred, wildcards become loopback, IPv6 hosts bracketed in URLs', () => {
    expect(env([pg('db', {}, [port(5432, 5000, '::'), port(5432, 5000, '0.0.0.0')])]).DB_HOST).toBe('127.0.0.1');
    const v6 = env([{ service: service('redis', { image: 'redis' }), published: [port(6379, 6000, '::1')] }]);
    expect(v6.REDIS_URL).toBe('redis://[::1]:6000');
    expect(v6.REDIS_HOST).toBe('::1');
    expect(hostFacingAddress('')).toBe('127.0.0.1');
    expect(hostFacingAddress('[::]')).toBe('::1');
  });

  it('every published port once, udp marked, in container-port order', () => {
    const out = deriveConnectionEnv([
      { service: service('api', { image: 'node' }), published: [port(9229, 9230), port(3000, 3001), port(3000, 3001, '::'), port(53, 5353, '127.0.0.1', 'udp')] },
    ]);
    expect(out.entries.map((e) => `${e.key}=${e.value}`)).toEqual(['API_HOST=127.0.0.1', 'API_PORT_53_UDP=5353', 'API_PORT_3000=3001', 'API_PORT_9229=9230']);
  });

  it('an unpublished database port is a note, not a setting', () => {
    const out = deriveConnectionEnv([pg('db', {}, [])]);
    expect(out.entries).toEqual([]);
    expect(out.notes).toEqual(['db: container port 5432 is not published (or not running), so it has no host-facing URL']);
  });

  it('two services whose names give the same key: the second is left out with a note', () => {
    const out = deriveConnectionEnv([
      { service: service('my-api', { image: 'node' }), published: [port(80, 8080)] },
      { service: service('my_api', { image: 'node' }), published: [port(80, 8081)] },
    ]);
    expect(out.entries.map((e) => e.key)).toEqual(['MY_API_HOST', 'MY_API_PORT_80']);
    expect(out.notes).toEqual(['my_api: MY_API_HOST is already set for my-api; left out', 'my_api: MY_API_PORT_80 is already set for my-api; left out']);
  });

  it('envKeyPrefix', () => {
    expect(envKeyPrefix('postgres')).toBe('POSTGRES');
    expect(envKeyPrefix('my-db.v2')).toBe('MY_DB_V2');
    expect(envKeyPrefix('1st')).toBe('_1ST');
  });
});
