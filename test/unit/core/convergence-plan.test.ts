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
        { name: 'postgres', hash: 'h1', restartWith: [] },
        { name: 'redis', hash: 'h2', restartWith: [] },
        { name: 'backend', hash: 'h3-new', restartWith: [] },
        { name: 'frontend', hash: 'h4', restartWith: [] },
        { name: 'worker', hash: 'h5', restartWith: ['backend'] },
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
      desired: [{ name: 'a', hash: 'h', restartWith: [] }, { name: 'b', hash: 'h', restartWith: [] }],
      observed: [container('a', 'h'), container('b', 'h', 'running', { imageId: 'sha256:old' }), container('gone', 'h')],
      definedServices: ['a', 'b'],
      forceRecreate: false,
      removeOrphans: true,
    });
    const [a, b] = plan.services;
    expect(recreateIfImageChanged(b!, 'sha256:new')).toEqual({ service: 'b', kind: 'recreate', container: (b as { container: unknown }).container, reason: 'image changed' });
    expect(recreateIfImageChanged(b!, 'sha256:old')).toBe(b);
    expect(recreateIfImageChanged(a!, 'sha256:new')).toBe(a);
    expect(formatPlan(plan)).toBe(['a: keep demo-a-1 (running, unchanged)', 'b: keep demo-b-1 (running, unchanged)', 'gone: remove orphan demo-gone-1'].join('\n'));
    const forced = planConvergence({ desired: [{ name: 'a', hash: 'h', restartWith: [] }], observed: [container('a', 'h')], definedServices: ['a'], forceRecreate: true, removeOrphans: false });
    expect(formatPlan(forced)).toBe('a: recreate demo-a-1 (forced)');
  });

  it('does not call containers of inactive-profile services orphans, and ignores one-off containers', () => {
    const oneoff = container('a', 'h');
    oneoff.labels[LABEL.oneoff] = 'True';
    const plan = planConvergence({ desired: [], observed: [container('debug', 'h'), oneoff], definedServices: ['a', 'debug'], forceRecreate: false, removeOrphans: true });
    expect(plan.orphans).toEqual([]);
  });
});
