import { describe, expect, it } from 'vitest';
import { forwardNote, publishedFromHere } from '../../../src/core/remote-addresses.js';

const wildcard = { containerPort: 5432, protocol: 'tcp' as const, hostIp: '0.0.0.0', hostPort: 5437 };
const loopback = { ...wildcard, hostIp: '127.0.0.1' };

describe('addresses that work from this host', () => {
  it('local engine: as published', () => {
    expect(publishedFromHere({ kind: 'local' }, wildcard)).toEqual(wildcard);
    expect(forwardNote(undefined, [loopback])).toBeUndefined();
  });
  it('tcp engine: the engine host address for ports on all its addresses; the forward note for loopback ones', () => {
    const tcp = { kind: 'remote', via: 'tcp', host: '10.1.2.3' } as const;
    expect(publishedFromHere(tcp, wildcard)).toEqual({ ...wildcard, hostIp: '10.1.2.3' });
    expect(publishedFromHere(tcp, loopback)).toEqual(loopback);
    expect(forwardNote(tcp, [{ ...wildcard, hostIp: '10.1.2.3' }])).toBeUndefined();
    expect(forwardNote(tcp, [loopback])).toBe('the engine runs on 10.1.2.3: these 127.0.0.1 addresses answer here while `devstack forward` runs');
  });
  it('ssh engine: loopback addresses, with the forward note', () => {
    const ssh = { kind: 'remote', via: 'ssh', host: 'devbox' } as const;
    expect(publishedFromHere(ssh, loopback)).toEqual(loopback);
    expect(forwardNote(ssh, [loopback])).toBe('the engine runs on devbox: these 127.0.0.1 addresses answer here while `devstack forward` runs');
  });
});
