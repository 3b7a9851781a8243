import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ContainerRequest } from '../../../src/core/engine.js';
import { DevstackError, HostPortTaken, MissingBindSource } from '../../../src/core/errors.js';
import { buildQuery } from '../../../src/engine/docker/build-image.js';
import { toCreateOptions, toHealthConfig, toRestartPolicy } from '../../../src/engine/docker/container-request.js';
import { inspectedPorts, listedPorts, toContainerDetails } from '../../../src/engine/docker/container-state.js';
import { engineMessage, toDevstackError } from '../../../src/engine/docker/engine-errors.js';
import { eventFilters, parseEngineEvent } from '../../../src/engine/docker/engine-events.js';
import { streamLineError } from '../../../src/engine/docker/progress-stream.js';

const base: ContainerRequest = {
  name: 'shop-web-1',
  image: 'node:20-alpine',
  labels: { 'com.docker.compose.project': 'shop' },
  env: { A: '1', B: 'x=y' },
  tty: false,
  openStdin: false,
  extraHosts: ['host.docker.internal:host-gateway'],
  networks: [
    { name: 'shop_default', aliases: ['web'] },
    { name: 'shop_back', aliases: ['web-back'] },
  ],
  ports: [
    { containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 0 },
    { containerPort: 3000, protocol: 'tcp', hostIp: '::1', hostPort: 8080 },
  ],
  exposedPorts: [{ port: 9229, protocol: 'tcp' }],
  mounts: [
    { type: 'volume', source: 'shop_data', target: '/data', readOnly: false, noCopy: true },
    { type: 'volume', target: '/anon', readOnly: false },
    { type: 'bind', source: '/home/ann/shop/src', target: '/app/src', readOnly: true },
    { type: 'tmpfs', target: '/tmp', readOnly: false },
  ],
};

describe('toCreateOptions', () => {
  it('maps a request to the Engine API body', () => {
    const o = toCreateOptions({ ...base, stopSignal: 'SIGINT', stopTimeoutS: 3, init: true, restartPolicy: 'on-failure:2' });
    expect(o.Env).toEqual(['A=1', 'B=x=y']);
    expect(o.ExposedPorts).toEqual({ '9229/tcp': {}, '3000/tcp': {} });
    expect(o.HostConfig?.PortBindings).toEqual({
      '3000/tcp': [
        { HostIp: '127.0.0.1', HostPort: '' },
        { HostIp: '::1', HostPort: '8080' },
      ],
    });
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'shop_data', Target: '/data', ReadOnly: false, VolumeOptions: { NoCopy: true } },
      { Type: 'volume', Source: '', Target: '/anon', ReadOnly: false },
      { Type: 'bind', Source: '/home/ann/shop/src', Target: '/app/src', ReadOnly: true },
      { Type: 'tmpfs', Source: '', Target: '/tmp', ReadOnly: false },
    ]);
    expect(o.HostConfig?.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 2 });
    expect(o.HostConfig?.NetworkMode).toBe('shop_default');
    expect(o.HostConfig?.Init).toBe(true);
    expect(o.HostConfig?.ExtraHosts).toEqual(['host.docker.internal:host-gateway']);
    expect(o.NetworkingConfig).toEqual({ EndpointsConfig: { shop_default: { Aliases: ['web'] } } });
    expect(o.StopSignal).toBe('SIGINT');
    expect(o.StopTimeout).toBe(3);
    expect(o.Cmd).toBeUndefined();
    expect(o.Healthcheck).toBeUndefined();
  });

  it('sends a bind that may create its host folder as a Binds entry, which the engine creates when missing', () => {
    const o = toCreateOptions({
      ...base,
      mounts: [
        { type: 'bind', source: '/home/ann/shop/data', target: '/data', readOnly: false, createHostPath: true },
        { type: 'bind', source: '/home/ann/shop/conf', target: '/conf', readOnly: true, createHostPath: true },
        { type: 'bind', source: '/home/ann/shop/must', target: '/must', readOnly: false },
      ],
    });
    expect(o.HostConfig?.Binds).toEqual(['/home/ann/shop/data:/data:rw', '/home/ann/shop/conf:/conf:ro']);
    expect(o.HostConfig?.Mounts).toEqual([{ Type: 'bind', Source: '/home/ann/shop/must', Target: '/must', ReadOnly: false }]);
  });

  it('uses networkMode instead of networks when given', () => {
    const o = toCreateOptions({ ...base, networkMode: 'host' });
    expect(o.HostConfig?.NetworkMode).toBe('host');
    expect(o.NetworkingConfig).toBeUndefined();
  });
});

describe('toRestartPolicy', () => {
  it.each([
    [undefined, { Name: '' }],
    ['no', { Name: 'no' }],
    ['always', { Name: 'always' }],
    ['unless-stopped', { Name: 'unless-stopped' }],
    ['on-failure', { Name: 'on-failure' }],
    ['on-failure:5', { Name: 'on-failure', MaximumRetryCount: 5 }],
  ])('%s', (value, expected) => expect(toRestartPolicy(value)).toEqual(expected));

  it('refuses anything else as a compose error', () => {
    expect(() => toRestartPolicy('sometimes')).toThrow(DevstackError);
  });
});

describe('toHealthConfig', () => {
  it('converts milliseconds to nanoseconds', () => {
    expect(toHealthConfig({ test: ['CMD-SHELL', 'pg_isready'], intervalMs: 1500, timeoutMs: 1000, retries: 5, startPeriodMs: 2000 })).toEqual({
      Test: ['CMD-SHELL', 'pg_isready'],
      Interval: 1_500_000_000,
      Timeout: 1_000_000_000,
      Retries: 5,
      StartPeriod: 2_000_000_000,
    });
  });
  it('keeps NONE as the disable switch', () => {
    expect(toHealthConfig({ test: ['NONE'], intervalMs: 1000 })).toEqual({ Test: ['NONE'] });
  });
});

describe('container state', () => {
  it('maps published ports from a listing and from an inspection', () => {
    expect(
      listedPorts([
        { IP: '0.0.0.0', PrivatePort: 5432, PublicPort: 15432, Type: 'tcp' },
        { PrivatePort: 6379, Type: 'tcp' } as Dockerode.Port,
      ]),
    ).toEqual([{ containerPort: 5432, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 15432 }]);
    expect(inspectedPorts({ '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }], '80/tcp': null })).toEqual([
      { containerPort: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 5353 },
    ]);
  });

  it('maps an inspection', () => {
    const inspect = {
      Id: 'abc',
      Name: '/shop-db-1',
      Created: '2024-01-02T03:04:05.000000000Z',
      RestartCount: 1,
      State: {
        Status: 'exited',
        ExitCode: 137,
        OOMKilled: true,
        Error: '',
        StartedAt: '2024-01-02T03:04:06Z',
        FinishedAt: '2024-01-02T03:05:06Z',
        Health: { Status: 'unhealthy', Log: [{ Start: 't1', End: 't2', ExitCode: 1, Output: 'no' }] },
      },
      Image: 'sha256:feed',
      Mounts: [
        { Type: 'volume', Name: 'shop_pgdata', Source: '/var/lib/docker/volumes/shop_pgdata/_data', Destination: '/data' },
        { Type: 'bind', Source: '/home/me/shop', Destination: '/app' },
      ],
      Config: { Image: 'postgres:16-alpine', Tty: true, Env: ['PGDATA=/data', 'EMPTY='], Labels: { a: 'b' } },
      NetworkSettings: {
        Ports: {},
        Networks: { shop_default: { IPAddress: '172.18.0.2', Aliases: ['db'] } },
      },
    } as unknown as Dockerode.ContainerInspectInfo;
    expect(toContainerDetails(inspect)).toEqual({
      id: 'abc',
      name: 'shop-db-1',
      image: 'postgres:16-alpine',
      status: 'exited',
      labels: { a: 'b' },
      ports: [],
      createdAt: Date.parse('2024-01-02T03:04:05Z'),
      health: 'unhealthy',
      healthLog: [{ exitCode: 1, output: 'no', at: 't1' }],
      exitCode: 137,
      startedAt: '2024-01-02T03:04:06Z',
      finishedAt: '2024-01-02T03:05:06Z',
      restartCount: 1,
      tty: true,
      networks: { shop_default: { ipAddress: '172.18.0.2', aliases: ['db'] } },
      env: { PGDATA: '/data', EMPTY: '' },
      oomKilled: true,
      error: '',
      imageId: 'sha256:feed',
      mounts: [
        { type: 'volume', name: 'shop_pgdata', source: '/var/lib/docker/volumes/shop_pgdata/_data', target: '/data' },
        { type: 'bind', source: '/home/me/shop', target: '/app' },
      ],
    });
  });
});

describe('engine events', () => {
  it('parses health and die events', () => {
    const health = JSON.stringify({
      Type: 'container',
      Action: 'health_status: healthy',
      Actor: { ID: 'c1', Attributes: { 'com.docker.compose.project': 'shop', name: 'shop-db-1' } },
      time: 1700000000,
      timeNano: 1700000000123456000,
    });
    expect(parseEngineEvent(health)).toMatchObject({ type: 'container', action: 'health_status: healthy', id: 'c1', time: 1700000000123 });
    const die = JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: 'c1', Attributes: { exitCode: '137' } }, time: 1 });
    expect(parseEngineEvent(die)).toMatchObject({ action: 'die', exitCode: 137, time: 1000 });
    expect(parseEngineEvent(JSON.stringify({ Type: 'daemon', Action: 'reload' }))).toBeUndefined();
    expect(parseEngineEvent('not json')).toBeUndefined();
  });

  it('filters by project label', () => {
    expect(eventFilters({ project: 'shop' }).label).toEqual(['com.docker.compose.project=shop']);
    expect(eventFilters({}).label).toBeUndefined();
  });
});

function modemError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
}

describe('toDevstackError', () => {
  const address = 'unix:///var/run/docker.sock';
  it.each([
    [modemError(404, 'No such container: x'), 'not-found', 'inspect x: No such container: x'],
    [modemError(409, 'Conflict. The container name "/a" is already in use'), 'engine', 'create a: Conflict. The container name "/a" is already in use'],
    [modemError(500, 'driver failed programming external connectivity: Bind for 0.0.0.0:5432 failed: port is already allocated'), 'port', undefined],
    [modemError(500, 'listen tcp4 0.0.0.0:80: bind: address already in use'), 'port', undefined],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'engine-unreachable', `Cannot reach a Docker Engine at ${address} (connection refused)`],
    [Object.assign(new Error('connect EACCES'), { code: 'EACCES' }), 'engine-unreachable', `Cannot reach a Docker Engine at ${address} (permission denied)`],
  ])('%s', (err, kind, message) => {
    const mapped = toDevstackError(err, message?.split(':')[0] ?? 'start a', address);
    expect(mapped.kind).toBe(kind);
    if (message !== undefined) expect(mapped.message).toBe(message);
    else expect(mapped.message).toContain(engineMessage(err));
  });

  it.each([
    ['driver failed programming external connectivity on endpoint a (f00): Bind for 127.0.0.1:5432 failed: port is already allocated', 5432],
    ['driver failed programming external connectivity on endpoint a (f00): Bind for [::1]:8080 failed: port is already allocated', 8080],
    ['driver failed programming external connectivity on endpoint a (f00): Error starting userland proxy: listen tcp4 0.0.0.0:6379: bind: address already in use', 6379],
    ['listen udp6 [::]:53: bind: address already in use', 53],
    ['port is already allocated', undefined],
  ])('a taken port carries the port the engine names: %s', (message, port) => {
    const mapped = toDevstackError(modemError(500, message), 'start a', address);
    expect(mapped).toBeInstanceOf(HostPortTaken);
    expect((mapped as HostPortTaken).hostPort).toBe(port);
  });

  it('a missing bind source is a compose error naming the host path (located by the caller at its volume entry)', () => {
    const mapped = toDevstackError(modemError(400, 'invalid mount config for type "bind": bind source path does not exist: /p/must exist'), 'create container a', address);
    expect(mapped).toBeInstanceOf(MissingBindSource);
    expect(mapped).toMatchObject({ kind: 'compose', hostPath: '/p/must exist', hint: expect.stringContaining('create_host_path: false') });
  });

  it('hints at the docker group for permission denied', () => {
    const mapped = toDevstackError(Object.assign(new Error('x'), { code: 'EACCES' }), 'ping', address);
    expect(mapped.hint).toMatch(/docker group/);
  });

  it('strips the modem prefix when there is no JSON body', () => {
    expect(engineMessage(new Error('(HTTP code 500) server error - something broke '))).toBe('something broke');
  });
});

describe('streams', () => {
  it('finds the error of a stream line', () => {
    expect(streamLineError({ error: 'boom', errorDetail: { message: 'boom' } })).toBe('boom');
    expect(streamLineError({ errorDetail: { message: 'detail only' } })).toBe('detail only');
    expect(streamLineError({ status: 'Downloading' })).toBeUndefined();
  });

  it('builds the /build query without empty options', () => {
    const q = buildQuery({ context: '/p', dockerfile: 'Dockerfile', tag: 't:1', args: { A: '1' }, labels: {} }, 'Dockerfile');
    expect(q).toEqual({ t: 't:1', dockerfile: 'Dockerfile', buildargs: { A: '1' }, labels: {}, rm: true, forcerm: true });
  });
});
