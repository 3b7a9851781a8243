import { describe, expect, it } from 'vitest';
import { formatPortLines } from '../../../src/cli/render-ports.js';

describe('formatPortLines', () => {
  it('one aligned line per published port; IPv6 bracketed', () => {
    expect(
      formatPortLines([
        { service: 'postgres', container: 'p-postgres-1', containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5438 },
        { service: 'dns', container: 'p-dns-1', containerPort: 53, protocol: 'udp', hostIp: '::', hostPort: 5353 },
      ]),
    ).toEqual(['postgres  5432/tcp -> 127.0.0.1:5438', 'dns       53/udp   -> [::]:5353']);
  });
});
