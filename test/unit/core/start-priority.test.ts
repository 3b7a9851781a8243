import { describe, expect, it } from 'vitest';
import { DependencyGraph } from '../../../src/core/graph.js';
import { startPriorities } from '../../../src/core/start-priority.js';
import { dependsOn, service } from './fixtures.js';

const gated = (condition: 'service_healthy' | 'service_completed_successfully') => ({ condition, required: true, restart: false });

describe('startPriorities', () => {
  const services = {
    db: service('db'),
    cache: service('cache'),
    migrate: service('migrate', { dependsOn: { db: gated('service_healthy') } }),
    app: service('app', { dependsOn: { ...dependsOn('cache'), migrate: gated('service_completed_successfully') } }),
    docs: service('docs'),
  };
  const graph = new DependencyGraph(services);

  it('health- or completion-gated dependencies first, then started-gated ones, then the rest', () => {
    const p = startPriorities(graph, services, Object.keys(services));
    expect(Object.fromEntries(p)).toEqual({ db: 2, migrate: 2, cache: 1, app: 0, docs: 0 });
  });

  it('counts only dependents in this run', () => {
    const p = startPriorities(graph, services, ['db', 'cache', 'docs']);
    expect(Object.fromEntries(p)).toEqual({ db: 0, cache: 0, docs: 0 });
  });
});
