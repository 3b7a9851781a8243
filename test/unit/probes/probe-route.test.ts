import { describe, expect, it } from 'vitest';
import type { ContainerDetails, PortRelay } from '../../../src/core/engine.js';
import { relayedProbe, routeProbe } from '../../../src/engine/probes/probe-route.js';
import type { ProbeEndpoint } from '../../../src/engine/probes/probe.js';

function details(hostIp: string): ContainerDetails {
  return { ports: [{ containerPort: 5432, protocol: 'tcp', hostIp, hostPort: 5437 }] } as unknown as ContainerDetails;
}
const onEngineHost: ProbeEndpoint = { host: '127.0.0.1', port: 5437 };

describe('routeProbe', () => {
  it('local engine: the endpoint as is', () => {
    expect(routeProbe({}, details('127.0.0.1'), 5432, onEngineHost)).toEqual({ kind: 'direct', endpoint: onEngineHost });
    expect(routeProbe({ location: { kind: 'local' } }, details('127.0.0.1'), 5432, onEngineHost)).toEqual({ kind: 'direct', endpoint: onEngineHost });
  });

  it('tcp engine: its host address for a port published on all addresses', () => {
    const engine = { location: { kind: 'remote', via: 'tcp', host: '10.1.2.3' } } as const;
    expect(routeProbe(engine, details('0.0.0.0'), 5432, onEngineHost)).toEqual({ kind: 'direct', endpoint: { host: '10.1.2.3', port: 5437 } });
    // Published on the very address this host dials (or as `devstack ports` shows a wildcard one): direct too.
    expect(routeProbe(engine, details('10.1.2.3'), 5432, onEngineHost)).toEqual({ kind: 'direct', endpoint: { host: '10.1.2.3', port: 5437 } });
  });

  it('tcp engine, loopback-only publish: unreachable, saying how to fix it', () => {
    const engine = { location: { kind: 'remote', via: 'tcp', host: '10.1.2.3' } } as const;
    const route = routeProbe(engine, details('127.0.0.1'), 5432, onEngineHost);
    expect(route).toEqual({
      kind: 'unreachable',
      reason: 'port 5432 is published on 127.0.0.1:5437 of the engine host 10.1.2.3, which this host cannot reach; publish it on all addresses ("0.0.0.0:5437:5432") or reach the engine over ssh://',
    });
  });

  it('tcp engine with exec, loopback-only publish: a relay through an exec in the container, to the container port', () => {
    const engine = { location: { kind: 'remote', via: 'tcp', host: '10.1.2.3' } as const, openExecStream: async () => Promise.reject(new Error('not here')) };
    const route = routeProbe(engine, { ...details('127.0.0.1'), id: 'c1' } as ContainerDetails, 5432, onEngineHost);
    expect(route).toMatchObject({ kind: 'relay', target: { host: '127.0.0.1', port: 5432 }, where: 'inside the container, through an exec' });
  });

  it('ssh engine: a relay to the address as the engine host sees it; the probe says so', async () => {
    const opened: string[] = [];
    const engine = {
      location: { kind: 'remote', via: 'ssh', host: 'box' } as const,
      openPortRelay: async (host: string, port: number): Promise<PortRelay> => {
        opened.push(`${host}:${port}`);
        return { host: '127.0.0.1', port: 40001, close: async () => undefined };
      },
    };
    const route = routeProbe(engine, details('127.0.0.1'), 5432, onEngineHost);
    expect(route.kind).toBe('relay');
    if (route.kind !== 'relay') return;
    const asked: string[] = [];
    const probe = relayedProbe(route, (e) => ({ description: `tcp connect ${e.host}:${e.port}`, attempt: async () => (asked.push(`${e.host}:${e.port}`), { ready: true }) }));
    expect(probe.description).toBe('tcp connect 127.0.0.1:5437 on the engine host, through ssh');
    expect(await probe.attempt(new AbortController().signal)).toEqual({ ready: true });
    expect(await probe.attempt(new AbortController().signal)).toEqual({ ready: true });
    expect(opened).toEqual(['127.0.0.1:5437']); // one relay for every attempt
    expect(asked).toEqual(['127.0.0.1:40001', '127.0.0.1:40001']);
  });
});
