import { describe, expect, it } from 'vitest';
import { connectionEnv } from '../../../src/app/connection-env.js';
import { portsView } from '../../../src/app/ports-view.js';
import type { ContainerInfo, PublishedPort } from '../../../src/core/engine.js';
import { project, service } from '../core/fixtures.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

const p = (containerPort: number, hostPort: number, hostIp = '127.0.0.1'): PublishedPort => ({ containerPort, hostPort, hostIp, protocol: 'tcp' });

/** The project's containers, each publishing `ports` as inspect reports them. */
function engineWith(containers: { service: string; status?: ContainerInfo['status']; oneoff?: boolean; ports: PublishedPort[] }[]): InMemoryEngine {
  const engine = new InMemoryEngine();
  containers.forEach((c, i) =>
    engine.addContainer({
      id: `id${i}`,
      name: `demo-${c.service}-1`,
      image: 'x',
      status: c.status ?? 'running',
      labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': c.service, ...(c.oneoff ? { 'com.docker.compose.oneoff': 'True' } : {}) },
      ports: c.ports,
    }),
  );
  return engine;
}

describe('portsView', () => {
  it('lists every published port of running service containers, by service then container port', async () => {
    const rows = await portsView({ projectName: 'demo' }, { engine: engineWith([
      { service: 'redis', ports: [p(6379, 6380)] },
      { service: 'api', ports: [p(9229, 9229), p(3000, 3001, '0.0.0.0'), p(3000, 3001, '::')] },
      { service: 'old', status: 'exited', ports: [p(1, 1)] },
      { service: 'run', oneoff: true, ports: [p(2, 2)] },
    ]) });
    expect(rows.map((r) => `${r.service} ${r.containerPort} ${r.hostIp}:${r.hostPort}`)).toEqual([
      'api 3000 0.0.0.0:3001',
      'api 3000 :::3001',
      'api 9229 127.0.0.1:9229',
      'redis 6379 127.0.0.1:6380',
    ]);
    expect(rows[3]).toEqual({ service: 'redis', container: 'demo-redis-1', containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 6380 });
  });

  it('nothing running is not-found, with a hint', async () => {
    await expect(portsView({ projectName: 'demo' }, { engine: engineWith([{ service: 'db', status: 'exited', ports: [] }]) })).rejects.toMatchObject({
      kind: 'not-found',
      message: 'project demo has no running containers',
    });
  });
});

describe('connectionEnv', () => {
  it('joins the compose model with the running containers\' effective ports', async () => {
    const model = project([
      service('db', { image: 'postgres:16', environment: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'pw', POSTGRES_DB: 'app' } }),
      service('cache', { image: 'redis:7' }),
    ]);
    const env = await connectionEnv({ project: model }, { engine: engineWith([{ service: 'db', ports: [p(5432, 5438)] }]) });
    expect(env.entries.slice(0, 1)).toEqual([{ key: 'DATABASE_URL', value: 'postgresql://app:pw@127.0.0.1:5438/app' }]);
    expect(env.notes).toEqual(['cache: container port 6379 is not published (or not running), so it has no host-facing URL']);
  });
});
