import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { applyContainerEvent } from '../../../src/engine/probes/container-watch.js';
import { createHttpProbe } from '../../../src/engine/probes/http.js';
import { describePostgresError } from '../../../src/engine/probes/postgres.js';
import { connectableHostAddress, resolveProbeEndpoint } from '../../../src/engine/probes/probe-endpoint.js';
import { createTcpProbe } from '../../../src/engine/probes/tcp.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const signal = () => AbortSignal.timeout(2000);

describe('tcp probe', () => {
  it('is ready when a connection opens and stays open', async () => {
    const port = await listen(net.createServer(() => {}));
    expect(await createTcpProbe({ endpoint: { host: '127.0.0.1', port } }).attempt(signal())).toEqual({ ready: true });
  });
  it('is not ready when the peer accepts and closes at once (docker-proxy without a backend)', async () => {
    const port = await listen(net.createServer((socket) => socket.end()));
    const outcome = await createTcpProbe({ endpoint: { host: '127.0.0.1', port } }).attempt(signal());
    expect(outcome).toMatchObject({ ready: false });
  });
});

describe('http probe', () => {
  it('accepts 2xx/3xx by default and an exact status when given', async () => {
    let status = 503;
    const port = await listen(http.createServer((_req, res) => res.writeHead(status).end()));
    const endpoint = { host: '127.0.0.1', port };
    expect(await createHttpProbe({ endpoint, path: '/health' }).attempt(signal())).toEqual({
      ready: false,
      reason: `GET http://127.0.0.1:${port}/health answered 503`,
    });
    status = 302;
    expect(await createHttpProbe({ endpoint, path: 'health' }).attempt(signal())).toEqual({ ready: true });
    expect(await createHttpProbe({ endpoint, path: '/', status: 204 }).attempt(signal())).toMatchObject({ ready: false });
  });
});

describe('probe endpoint', () => {
  it('prefers the published host port, wildcard → loopback', () => {
    const { details } = InMemoryEngine.withContainer({
      ports: [
        { containerPort: 5432, protocol: 'tcp', hostIp: '::', hostPort: 49001 },
        { containerPort: 5432, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 49001 },
      ],
    });
    expect(resolveProbeEndpoint(details, 5432, 'demo')).toEqual({ host: '127.0.0.1', port: 49001 });
  });
  it('falls back to the container IP on the project network', () => {
    const { details } = InMemoryEngine.withContainer({
      networks: { bridge: { ipAddress: '172.17.0.2', aliases: [] }, demo_default: { ipAddress: '172.20.0.3', aliases: [] } },
    });
    expect(resolveProbeEndpoint(details, 6379, 'demo')).toEqual({ host: '172.20.0.3', port: 6379 });
    expect(resolveProbeEndpoint({ ...details, networks: {} }, 6379, 'demo')).toBeUndefined();
  });
  it.each([
    ['', '127.0.0.1'],
    ['0.0.0.0', '127.0.0.1'],
    ['::', '::1'],
    ['127.0.0.2', '127.0.0.2'],
    ['[::1]', '::1'],
  ])('%j → %s', (ip, host) => expect(connectableHostAddress(ip)).toBe(host));
});

describe('container events', () => {
  const base = { status: 'running', health: 'starting', exitCode: null, restartCount: 0, startedAt: 0 } as const;
  const event = (action: string, exitCode?: number) => ({ type: 'container' as const, action, id: 'x', labels: {}, time: 0, ...(exitCode === undefined ? {} : { exitCode }) });
  it('tracks die, health and destroy', () => {
    expect(applyContainerEvent(base, event('die', 1))).toEqual({ ...base, status: 'exited', exitCode: 1 });
    expect(applyContainerEvent({ ...base, status: 'exited' }, { ...event('start'), time: 1234 })).toMatchObject({ status: 'running', startedAt: 1234 });
    expect(applyContainerEvent(base, event('health_status: healthy')).health).toBe('healthy');
    expect(applyContainerEvent(base, event('health_status:unhealthy')).health).toBe('unhealthy');
    expect(applyContainerEvent(base, event('destroy')).status).toBe('removed');
    expect(applyContainerEvent(base, event('exec_start: sh'))).toBe(base);
  });
});

describe('postgres error reasons', () => {
  it('keeps the server message and names the SQLSTATE', () => {
    const error = Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
    expect(describePostgresError(error, '127.0.0.1:5432')).toBe(
      'password authentication failed for user "app" (SQLSTATE 28P01: authentication failed)',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(describePostgresError(refused, '127.0.0.1:5432')).toBe('connection refused at 127.0.0.1:5432');
  });
});
