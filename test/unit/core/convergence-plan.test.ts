import { describe, expect, it } from 'vitest';
import { formatPlan, planConvergence, recreateIfImageChanged } from '../../../src/core/convergence-plan.js';
import type { ContainerInfo } from '../../../src/core/engine.js';
import { LABEL } from '../../../src/core/labels.js';

const container = (service: string, hash: string, status: ContainerInfo['status'] = 'running', extra: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id: `id-${service}`,
  name: `demo-${service}-1`,
  image: `${service}:latest`,
  status,
  labels: { [LABEL.project]: 'demo', [LABEL.service]: service, [LABEL.configHash]: hash, [LABEL.containerNumber]: '1', [LABEL.oneoff]: 'False' },
  ports: [],
  createdAt: 1,
  ...extra,
});

describe('planConvergence', () => {
  it('keeps, starts, recreates, creates and reports orphans (golden text)', () => {
    const plan = planConvergence({
      desired: [
        { name: 'postgres', hashes: ['h1'], restartWith: [] },
        { name: 'redis', hashes: ['h2'], restartWith: [] },
        { name: 'backend', hashes: ['h3-new'], restartWith: [] },
        { name: 'frontend', hashes: ['h4'], restartWith: [] },
        { name: 'worker', hashes: ['h5'], restartWith: ['backend'] },
      ],
      observed: [
        container('postgres', 'h1'),
        container('redis', 'h2', 'exited'),
        container('backend', 'h3-old'),
        container('worker', 'h5'),
        container('old-api', 'x'),
      ],
      definedServices: ['postgres', 'redis', 'backend', 'frontend', 'worker'],
      forceRecreate: false,
      removeOrphans: false,
    });
    expect(formatPlan(plan)).toBe(
      [
        'postgres: keep demo-postgres-1 (running, unchanged)',
        'redis: start demo-redis-1 (exited)',
        'backend: recreate demo-backend-1 (config changed)',
        'frontend: create',
        'worker: recreate demo-worker-1 (dependency recreated)',
        'old-api: orphan (kept; --remove-orphans removes it) demo-old-api-1',
      ].join('\n'),
    );
  });

  it('recreates everything when forced, removes orphans when asked, and notices a new image', () => {
    const plan = planConvergence({
      desired: [{ name: 'a', hashes: ['h'], restartWith: [] }, { name: 'b', hashes: ['h'], restartWith: [] }],
      observed: [container('a', 'h'), container('b', 'h', 'running', { imageId: 'sha256:old' }), container('gone', 'h')],
      definedServices: ['a', 'b'],
      forceRecreate: false,
      removeOrphans: true,
    });
    const [a, b] = plan.services;
    expect(recreateIfImageChanged(b!, 'sha256:new')).toEqual({ service: 'b', replica: 1, kind: 'recreate', container: (b as { container: unknown }).container, reason: 'image changed' });
    expect(recreateIfImageChanged(b!, 'sha256:old')).toBe(b);
    expect(recreateIfImageChanged(a!, 'sha256:new')).toBe(a);
    expect(formatPlan(plan)).toBe(['a: keep demo-a-1 (running, unchanged)', 'b: keep demo-b-1 (running, unchanged)', 'gone: remove orphan demo-gone-1'].join('\n'));
    const forced = planConvergence({ desired: [{ name: 'a', hashes: ['h'], restartWith: [] }], observed: [container('a', 'h')], definedServices: ['a'], forceRecreate: true, removeOrphans: false });
    expect(formatPlan(forced)).toBe('a: recreate demo-a-1 (forced)');
  });

  it('does not call containers of inactive-profile services orphans, and ignores one-off containers', () => {
    const oneoff = container('a', 'h');
    oneoff.labels[LABEL.oneoff] = 'True';
    const plan = planConvergence({ desired: [], observed: [container('debug', 'h'), oneoff], definedServices: ['a', 'debug'], forceRecreate: false, removeOrphans: true });
    expect(plan.orphans).toEqual([]);
  });

  it('plans one action per replica, scales up with creates and down by removing the highest numbers (golden text)', () => {
    const replica = (service: string, n: number, hash: string, status: ContainerInfo['status'] = 'running'): ContainerInfo => {
      const c = container(service, hash, status, { id: `id-${service}-${n}`, name: `demo-${service}-${n}` });
      c.labels[LABEL.containerNumber] = String(n);
      return c;
    };
    const plan = planConvergence({
      desired: [
        { name: 'db', hashes: ['d1'], restartWith: [] },
        { name: 'web', hashes: ['w1', 'w2', 'w3'], restartWith: [] },
        { name: 'worker', hashes: ['k1'], restartWith: [] },
        { name: 'idle', hashes: [], restartWith: [] },
      ],
      observed: [
        replica('db', 1, 'd1'),
        replica('web', 1, 'w1'),
        replica('web', 2, 'old', 'running'),
        replica('worker', 1, 'k1'),
        replica('worker', 3, 'k3'),
        replica('worker', 2, 'k2', 'exited'),
        replica('idle', 1, 'i1'),
      ],
      definedServices: ['db', 'web', 'worker', 'idle'],
      forceRecreate: false,
      removeOrphans: false,
    });
    expect(formatPlan(plan)).toBe(
      [
        'db: keep demo-db-1 (running, unchanged)',
        'web-1: keep demo-web-1 (running, unchanged)',
        'web-2: recreate demo-web-2 (config changed)',
        'web-3: create',
        'worker: keep demo-worker-1 (running, unchanged)',
        'worker: remove extra demo-worker-2',
        'worker: remove extra demo-worker-3',
        'idle: remove extra demo-idle-1',
      ].join('\n'),
    );
    expect(plan.services.filter((a) => a.service === 'web').map((a) => a.replica)).toEqual([1, 2, 3]);
  });

  it('recreates every replica of a service whose restart: true dependency was recreated', () => {
    const plan = planConvergence({
      desired: [
        { name: 'db', hashes: ['new'], restartWith: [] },
        { name: 'web', hashes: ['w', 'w'], restartWith: ['db'] },
      ],
      observed: [container('db', 'old'), container('web', 'w'), { ...container('web', 'w'), id: 'id-web-2', name: 'demo-web-2', labels: { ...container('web', 'w').labels, [LABEL.containerNumber]: '2' } }],
      definedServices: ['db', 'web'],
      forceRecreate: false,
      removeOrphans: false,
    });
    expect(formatPlan(plan)).toBe(
      ['db: recreate demo-db-1 (config changed)', 'web-1: recreate demo-web-1 (dependency recreated)', 'web-2: recreate demo-web-2 (dependency recreated)'].join('\n'),
    );
  });
});
