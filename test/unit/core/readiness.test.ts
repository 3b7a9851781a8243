import { describe, expect, it } from 'vitest';
import type { ReadySpec, ServiceConfig } from '../../../src/core/model.js';
import {
  chooseReadySpec,
  defaultProbePort,
  describeReadySpec,
  imageRepositoryBasename,
  postgresSettingsFromEnv,
} from '../../../src/core/readiness.js';
import { service } from '../probes/probe-service.js';

const withHealthcheck: Partial<ServiceConfig> = { healthcheck: { test: ['CMD', 'true'], disable: false } };

describe('chooseReadySpec', () => {
  const table: [string, Partial<ServiceConfig>, ReadySpec['kind']][] = [
    ['postgres:16-alpine', {}, 'postgres'],
    ['postgres', {}, 'postgres'],
    ['docker.io/library/postgres:15', {}, 'postgres'],
    ['registry.example.com:5000/team/postgres:16@sha256:abcd', {}, 'postgres'],
    ['pgvector/pgvector:pg16', {}, 'postgres'],
    ['postgis/postgis:16-3.4', {}, 'postgres'],
    ['timescale/timescaledb:latest-pg16', {}, 'postgres'],
    ['timescale/timescaledb-ha:pg16', {}, 'postgres'],
    ['bitnami/postgresql:16', {}, 'postgres'],
    ['redis:7-alpine', {}, 'redis'],
    ['valkey/valkey:8', {}, 'redis'],
    ['eqalpha/keydb:latest', {}, 'redis'],
    ['ghcr.io/acme/redis:7', {}, 'redis'],
    ['redis/redis-stack-server:7.2.0-v6', {}, 'redis'],
    ['node:20-alpine', {}, 'none'],
    ['node:20-alpine', withHealthcheck, 'healthcheck'],
    ['node:20-alpine', { healthcheck: { test: ['CMD', 'true'], disable: true } }, 'none'],
    ['node:20-alpine', { healthcheck: { test: ['NONE'], disable: false } }, 'none'],
    ['nginx', { healthcheck: { intervalMs: 1000, disable: false } }, 'healthcheck'],
    ['my-postgres-backup:1', {}, 'none'],
    ['postgres-exporter', withHealthcheck, 'healthcheck'],
    ['redis:7', withHealthcheck, 'redis'],
    ['postgres:16', { devstack: { ready: { kind: 'tcp', port: 5432 } } }, 'tcp'],
    ['node:20', { devstack: { ready: { kind: 'http', path: '/health' } }, ...withHealthcheck }, 'http'],
    ['postgres:16', { devstack: { ready: { kind: 'none' } } }, 'none'],
  ];
  it.each(table)('%s %j → %s', (image, overrides, kind) => {
    expect(chooseReadySpec(service({ image, ...overrides })).kind).toBe(kind);
  });

  it('a service built from a Dockerfile (no image) falls back to its healthcheck or running', () => {
    expect(chooseReadySpec(service({ build: { context: '/x', dockerfile: 'Dockerfile', args: {}, labels: {} } })).kind).toBe('none');
  });
});

describe('imageRepositoryBasename', () => {
  it.each([
    ['postgres', 'postgres'],
    ['localhost:5000/postgres', 'postgres'],
    ['localhost:5000/a/b/Redis:7@sha256:00', 'redis'],
  ])('%s → %s', (image, base) => expect(imageRepositoryBasename(image)).toBe(base));
});

describe('describeReadySpec', () => {
  it.each<[ReadySpec, string]>([
    [{ kind: 'postgres' }, 'postgres (SELECT 1)'],
    [{ kind: 'redis' }, 'redis (PING)'],
    [{ kind: 'http', path: '/health' }, 'http GET /health → 2xx/3xx'],
    [{ kind: 'http', path: '/', status: 204 }, 'http GET / → 204'],
    [{ kind: 'tcp', port: 8080 }, 'tcp connect :8080'],
    [{ kind: 'log', pattern: 'listening on \\d+' }, 'log line /listening on \\d+/'],
    [{ kind: 'healthcheck' }, 'healthcheck'],
    [{ kind: 'none' }, 'running'],
  ])('%j → %s', (spec, text) => expect(describeReadySpec(spec)).toBe(text));
});

describe('postgresSettingsFromEnv', () => {
  it('defaults like the official image', () => {
    expect(postgresSettingsFromEnv({})).toEqual({ user: 'postgres', password: '', database: 'postgres' });
  });
  it('database defaults to the user', () => {
    expect(postgresSettingsFromEnv({ POSTGRES_USER: 'app', POSTGRES_PASSWORD: 's3cret' })).toEqual({
      user: 'app',
      password: 's3cret',
      database: 'app',
    });
  });
  it('explicit database wins; empty values count as unset', () => {
    expect(postgresSettingsFromEnv({ POSTGRES_USER: '', POSTGRES_DB: 'shop' })).toEqual({ user: 'postgres', password: '', database: 'shop' });
  });
});

describe('defaultProbePort', () => {
  it('uses the protocol default, then the explicit tcp port, then published, then exposed', () => {
    expect(defaultProbePort({ kind: 'postgres' }, service())).toBe(5432);
    expect(defaultProbePort({ kind: 'redis' }, service())).toBe(6379);
    expect(defaultProbePort({ kind: 'tcp', port: 9000 }, service())).toBe(9000);
    expect(defaultProbePort({ kind: 'http', path: '/' }, service({ ports: [{ target: 3000, protocol: 'tcp' }], expose: ['4000'] }))).toBe(3000);
    expect(defaultProbePort({ kind: 'tcp' }, service({ expose: ['4000/tcp'] }))).toBe(4000);
    expect(defaultProbePort({ kind: 'tcp' }, service({ expose: ['53/udp'] }))).toBeUndefined();
  });
});

describe('chooseReadySpec with a command override', () => {
  const base = (over: Partial<ServiceConfig>): ServiceConfig => ({
    name: 's', image: 'redis:7-alpine', environment: {}, ports: [], expose: [], volumes: [], dependsOn: {}, labels: {}, tty: false,
    stdinOpen: false, extraHosts: [], networks: {}, profiles: [], devstack: {}, source: { file: 'f', line: 1, col: 1 }, ...over,
  });
  it.each([
    [undefined, 'redis'],
    [['redis-server', '--appendonly', 'yes'], 'redis'],
    [['--maxmemory', '512mb'], 'redis'],
    [['/usr/local/bin/redis-server'], 'redis'],
    [['sleep', 'infinity'], 'none'],
    [['sh', '-c', 'redis-cli -h cache ping'], 'none'],
  ])('command %j → %s', (command, kind) => {
    expect(chooseReadySpec(base(command ? { command } : {})).kind).toBe(kind);
  });
});

describe('chooseReadySpec with an entrypoint override: a client run from a server image is not probed as a server', () => {
  const pg = (over: Partial<ServiceConfig>): ServiceConfig => ({
    name: 'migrate', image: 'postgres:16-alpine', environment: {}, ports: [], expose: [], volumes: [], dependsOn: {}, labels: {}, tty: false,
    stdinOpen: false, extraHosts: [], networks: {}, profiles: [], devstack: {}, source: { file: 'f', line: 1, col: 1 }, ...over,
  });
  it.each<[string[], string[] | undefined, string]>([
    [['psql'], ['-h', 'db', '-c', 'select 1'], 'none'],
    [['sh', '-c'], ['psql -h db -f /seed.sql'], 'none'],
    [['/bin/sh', '-c', 'pg_dump -h db app > /out/dump.sql'], undefined, 'none'],
    [['docker-entrypoint.sh'], ['psql', '-h', 'db'], 'none'],
    [['docker-entrypoint.sh'], undefined, 'postgres'],
    [['docker-entrypoint.sh'], ['postgres', '-c', 'fsync=off'], 'postgres'],
    [['docker-entrypoint.sh', '-c', 'fsync=off'], undefined, 'postgres'],
    [['postgres'], ['-c', 'fsync=off'], 'postgres'],
  ])('entrypoint %j, command %j → %s', (entrypoint, command, kind) => {
    expect(chooseReadySpec(pg({ entrypoint, ...(command ? { command } : {}) })).kind).toBe(kind);
  });
});
