import { describe, expect, it } from 'vitest';
import { containerSpecFor, reuseAnonymousVolumes } from '../../../src/core/container-spec.js';
import { LABEL } from '../../../src/core/labels.js';
import { rewriteLocalhostPorts } from '../../../src/core/localhost-rewrite.js';
import { dependsOn, project, service } from './fixtures.js';

const ports = [{ containerPort: 5432, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 5437 }];

describe('containerSpecFor', () => {
  it('labels the container like compose and names it <project>-<service>-1', () => {
    const s = service('postgres', { volumes: [{ type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false }] });
    const p = project([s], { volumes: { pgdata: { name: 'demo_pgdata', external: false, labels: {} } } });
    const { request, hash } = containerSpecFor({ project: p, service: s, ports });
    expect(request.name).toBe('demo-postgres-1');
    expect(request.labels[LABEL.project]).toBe('demo');
    expect(request.labels[LABEL.service]).toBe('postgres');
    expect(request.labels[LABEL.configHash]).toBe(hash);
    expect(request.labels[LABEL.devstack]).toBeDefined();
    expect(request.networks).toEqual([{ name: 'demo_default', aliases: ['postgres'] }]);
    expect(request.mounts).toEqual([{ type: 'volume', source: 'demo_pgdata', target: '/var/lib/postgresql/data', readOnly: false }]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes what the container is, not build, depends_on, profiles, develop or readiness', () => {
    const base = service('backend');
    const p = project([base]);
    const h = (s = base, prt = ports) => containerSpecFor({ project: p, service: s, ports: prt }).hash;
    expect(h()).toBe(h());
    expect(h(service('backend', { build: { context: '/p/b', dockerfile: 'Dockerfile', args: {}, labels: {} } }))).toBe(h());
    expect(h(service('backend', { dependsOn: dependsOn('postgres') }))).toBe(h());
    expect(h(service('backend', { profiles: ['dev'] }))).toBe(h());
    expect(h(service('backend', { devstack: { ready: { kind: 'tcp' } } }))).toBe(h());
    expect(h(service('backend', { develop: { watch: [] } }))).toBe(h());
    expect(h(service('backend', { environment: { A: '1' } }))).not.toBe(h());
    expect(h(service('backend', { command: ['node', 'x.js'] }))).not.toBe(h());
    expect(h(base, [{ ...ports[0]!, hostPort: 5438 }])).not.toBe(h());
    // Whether a missing bind source is created matters at create time only: no recreate for it.
    const bind = (createHostPath: boolean) => service('backend', { volumes: [{ type: 'bind', source: '/src', target: '/app', readOnly: false, createHostPath }] });
    expect(h(bind(true))).toBe(h(bind(false)));
  });

  it('keeps anonymous volumes of a replaced container', () => {
    const s = service('frontend', { volumes: [{ type: 'volume', target: '/app/node_modules', readOnly: false }] });
    const { request } = containerSpecFor({ project: project([s]), service: s, ports: [] });
    const reused = reuseAnonymousVolumes(request, [{ type: 'volume', name: ANON_A, target: '/app/node_modules' }], []);
    expect(reused.mounts[0]).toEqual({ type: 'volume', source: ANON_A, target: '/app/node_modules', readOnly: false });
  });

  it('keeps the anonymous volumes the image declares, unless the compose file mounts something there', () => {
    const s = service('db', { volumes: [{ type: 'bind', source: '/host/conf', target: '/etc/conf', readOnly: true, createHostPath: true }] });
    const { request } = containerSpecFor({ project: project([s]), service: s, ports: [] });
    const previous = [
      { type: 'volume', name: ANON_A, target: '/var/lib/postgresql/data/' },
      { type: 'volume', name: ANON_B, target: '/etc/conf' },
      { type: 'volume', name: ANON_C, target: '/no/longer/declared' },
      { type: 'volume', name: 'proj_named', target: '/named' },
    ];
    const reused = reuseAnonymousVolumes(request, previous, ['/var/lib/postgresql/data', '/etc/conf', '/named']);
    expect(reused.mounts).toEqual([
      { type: 'bind', source: '/host/conf', target: '/etc/conf', readOnly: true, createHostPath: true },
      { type: 'volume', source: ANON_A, target: '/var/lib/postgresql/data', readOnly: false },
    ]);
  });
});

const ANON_A = 'a'.repeat(64);
const ANON_B = 'b'.repeat(64);
const ANON_C = 'c'.repeat(64);

describe('rewriteLocalhostPorts', () => {
  it('points localhost URLs at remapped host ports and reports each rewrite', () => {
    const r = rewriteLocalhostPorts(
      { VITE_API_URL: 'http://localhost:8500', OTHER: 'http://localhost:9000', DB: 'postgres://u@127.0.0.1:5437/db', IN: 'http://backend:8500' },
      [{ declared: 8500, effective: 8501 }, { declared: 5437, effective: 5438 }],
    );
    expect(r.env).toEqual({ VITE_API_URL: 'http://localhost:8501', OTHER: 'http://localhost:9000', DB: 'postgres://u@127.0.0.1:5438/db', IN: 'http://backend:8500' });
    expect(r.rewrites.map((x) => x.key)).toEqual(['VITE_API_URL', 'DB']);
  });
});
