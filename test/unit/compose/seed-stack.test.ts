import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_STACK } from './seed-stack-fixture.js';
import { loadIn, writeProject } from './temp-project.js';

describe('the seed stack', () => {
  it('loads into the expected model', async () => {
    const dir = writeProject({ 'compose.yaml': SEED_STACK }, 'skillforge');
    const project = await loadIn(dir);
    expect(project.name).toBe('skillforge');
    expect(project.workingDir).toBe(dir);
    expect(Object.keys(project.services)).toEqual(['postgres', 'redis', 'backend', 'frontend']);
    expect(project.warnings).toEqual([`${path.join(dir, 'compose.yaml')}:1:1: "version" is obsolete and ignored`]);

    const { postgres, redis, backend, frontend } = project.services;
    expect(postgres!.environment).toEqual({ POSTGRES_USER: 'skillforge', POSTGRES_PASSWORD: 'dev_password', POSTGRES_DB: 'skillforge_dev' });
    expect(postgres!.ports).toEqual([{ target: 5432, published: 5437, protocol: 'tcp', source: expect.objectContaining({ line: 6 }) }]);
    expect(postgres!.volumes).toEqual([{ type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false, location: { file: path.join(dir, 'compose.yaml'), line: 7, col: 15 } }]);
    expect(postgres!.healthcheck).toEqual({ test: ['CMD-SHELL', 'pg_isready -U skillforge'], intervalMs: 5000, timeoutMs: 3000, retries: 5, disable: false });
    expect(postgres!.source).toEqual({ file: path.join(dir, 'compose.yaml'), line: 3, col: 3 });
    expect(postgres!.networks).toEqual({ default: { aliases: [] } });

    expect(redis!.command).toEqual(['redis-server', '--appendonly', 'yes', '--maxmemory', '512mb', '--maxmemory-policy', 'allkeys-lru']);
    expect(backend!.build).toEqual({ context: path.join(dir, 'backend'), dockerfile: 'Dockerfile.dev', args: {}, labels: {} });
    expect(backend!.dependsOn).toEqual({
      postgres: { condition: 'service_healthy', required: true, restart: false },
      redis: { condition: 'service_started', required: true, restart: false },
    });
    expect(backend!.volumes).toEqual([{ type: 'bind', source: path.join(dir, 'backend'), target: '/app', readOnly: false, createHostPath: true, location: expect.objectContaining({ line: 23 }) }]);
    expect(frontend!.volumes[1]).toEqual({ type: 'volume', target: '/app/node_modules', readOnly: false, location: expect.objectContaining({ line: 28, col: 32 }) });
    expect(frontend!.environment).toEqual({ VITE_API_URL: 'http://localhost:8500' });

    expect(project.volumes).toEqual({
      pgdata: { name: 'skillforge_pgdata', external: false, labels: {} },
      redisdata: { name: 'skillforge_redisdata', external: false, labels: {} },
    });
    expect(project.networks).toEqual({ default: { name: 'skillforge_default', external: false, labels: {} } });
    expect(project.inactiveServices).toEqual([]);
  });
});
