import { describe, expect, it } from 'vitest';
import { planPorts, type PortPlanInput, type RequestedBinding } from '../../../src/core/port-plan.js';

const holders: Record<string, string> = {
  'tcp/5437': 'held by pid 812 postgres',
  'tcp/5438': 'published by container other_db_1',
  'tcp/6379': 'published by container other_db_1',
  'udp/5353': 'held by pid 77 avahi-daemon',
};
const isTaken: PortPlanInput['isTaken'] = (port, protocol) => holders[`${protocol}/${port}`] ?? false;
const pg = (overrides: Partial<RequestedBinding> = {}): RequestedBinding => ({ service: 'postgres', containerPort: 5432, protocol: 'tcp', hostPort: 5437, ...overrides });
const plan = (bindings: RequestedBinding[], extra: Partial<PortPlanInput> = {}) => planPorts({ bindings, isTaken, remembered: {}, strict: false, ...extra });

describe('planPorts', () => {
  it('keeps a free declared port on 127.0.0.1 by default', () => {
    const result = plan([pg({ hostPort: 5440 })]);
    expect(result.bindings).toEqual([{ service: 'postgres', containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5440, declaredHostPort: 5440 }]);
    expect(result.notices).toEqual([]);
    expect(result.remember).toEqual({});
  });

  it('remaps a taken port to the next free one above, naming the holder', () => {
    const result = plan([pg()]);
    expect(result.bindings[0]?.hostPort).toBe(5439); // 5438 is taken too
    expect(result.remaps).toEqual([{ service: 'postgres', declared: 5437, effective: 5439, holder: 'held by pid 812 postgres' }]);
    expect(result.notices).toEqual(['postgres 5437 -> 5439 (5437 held by pid 812 postgres)']);
    expect(result.remember).toEqual({ 'postgres/5432/tcp': 5439 });
  });

  it('names a container holder', () => {
    const result = plan([{ service: 'redis', containerPort: 6379, protocol: 'tcp', hostPort: 6379 }]);
    expect(result.notices).toEqual(['redis 6379 -> 6380 (6379 published by container other_db_1)']);
  });

  it('reuses a remembered remap while it is free', () => {
    const result = plan([pg()], { remembered: { 'postgres/5432/tcp': 5450 } });
    expect(result.bindings[0]?.hostPort).toBe(5450);
    expect(result.notices).toEqual(['postgres 5437 -> 5450 (5437 held by pid 812 postgres)']);
    expect(result.remember).toEqual({ 'postgres/5432/tcp': 5450 });
  });

  it('keeps a remembered remap even when the declared port is free again (sticky)', () => {
    const result = plan([pg({ hostPort: 5440 })], { remembered: { 'postgres/5432/tcp': 5450 } });
    expect(result.bindings[0]?.hostPort).toBe(5450);
    expect(result.remaps[0]?.holder).toContain('earlier run');
  });

  it('drops a remembered remap that is now taken and plans again', () => {
    const result = plan([pg()], { remembered: { 'postgres/5432/tcp': 5438 } });
    expect(result.bindings[0]?.hostPort).toBe(5439);
    expect(result.remember).toEqual({ 'postgres/5432/tcp': 5439 });
  });

  it('forgets a remembered remap that is taken when the declared port is free', () => {
    const result = plan([pg({ hostPort: 5440 })], { remembered: { 'postgres/5432/tcp': 5438 } });
    expect(result.bindings[0]?.hostPort).toBe(5440);
    expect(result.remember).toEqual({});
  });

  it('strict: an error naming the port, the service and the holder; no remap', () => {
    const result = plan([pg()], { strict: true, remembered: { 'postgres/5432/tcp': 5450 } });
    expect(result.remaps).toEqual([]);
    expect(result.errors).toHaveLength(1);
    const error = result.errors[0]!;
    expect(error.kind).toBe('port');
    expect(error.message).toBe('host port 5437 for service postgres is taken: 5437 held by pid 812 postgres');
    expect(error.hint).toBe('free it or drop --strict-ports');
  });

  it('two services declaring the same port: the second moves', () => {
    const result = plan([
      { service: 'api', containerPort: 3000, protocol: 'tcp', hostPort: 3000 },
      { service: 'web', containerPort: 3000, protocol: 'tcp', hostPort: 3000 },
    ]);
    expect(result.bindings.map((b) => b.hostPort)).toEqual([3000, 3001]);
    expect(result.notices).toEqual(['web 3000 -> 3001 (3000 also declared by service api)']);
  });

  it('skips ports already chosen in this plan when remapping', () => {
    const result = plan([
      { service: 'a', containerPort: 80, protocol: 'tcp', hostPort: 5439 },
      pg(),
    ]);
    expect(result.bindings.map((b) => b.hostPort)).toEqual([5439, 5440]);
  });

  it('honours an explicit 0.0.0.0 or :: with a warning', () => {
    const result = plan([pg({ hostIp: '0.0.0.0', hostPort: 5440 }), { service: 'web', containerPort: 80, protocol: 'tcp', hostIp: '::', hostPort: 8080 }]);
    expect(result.bindings.map((b) => b.hostIp)).toEqual(['0.0.0.0', '::']);
    expect(result.notices).toEqual([
      'postgres publishes 5440 on 0.0.0.0: reachable from your network',
      'web publishes 8080 on ::: reachable from your network',
    ]);
  });

  it('no declared host port → 0 (the engine chooses), never remapped', () => {
    const result = plan([pg({ hostPort: undefined })]);
    expect(result.bindings[0]).toMatchObject({ hostPort: 0 });
    expect(result.bindings[0]).not.toHaveProperty('declaredHostPort');
  });

  it('udp is planned on its own: a taken tcp port does not block udp', () => {
    const result = plan([
      { service: 'dns', containerPort: 53, protocol: 'udp', hostPort: 5437 },
      { service: 'mdns', containerPort: 5353, protocol: 'udp', hostPort: 5353 },
    ]);
    expect(result.bindings.map((b) => b.hostPort)).toEqual([5437, 5354]);
    expect(result.notices).toEqual(['mdns 5353/udp -> 5354/udp (5353 held by pid 77 avahi-daemon)']);
    expect(result.remember).toEqual({ 'mdns/5353/udp': 5354 });
  });

  it('reports when nothing is free above the declared port', () => {
    const result = planPorts({ bindings: [pg({ hostPort: 65534 })], isTaken: () => 'held by another process', remembered: {}, strict: false });
    expect(result.errors[0]?.message).toContain('no free host port above 65534 for service postgres');
  });
});
