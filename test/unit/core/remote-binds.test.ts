import { describe, expect, it } from 'vitest';
import type { Project, ServiceConfig } from '../../../src/core/model.js';
import { planRemoteBinds, type HostPathKind } from '../../../src/core/remote-binds.js';

const at = (line: number) => ({ file: '/p/compose.yaml', line, col: 9 });

function project(volumes: ServiceConfig['volumes']): Project {
  const service = { name: 'db', volumes, source: { file: '/p/compose.yaml', line: 2, col: 3 } } as unknown as ServiceConfig;
  return { name: 'p', workingDir: '/p', composeFiles: ['/p/compose.yaml'], services: { db: service }, inactiveServices: [], networks: {}, volumes: {} };
}
const kinds: Record<string, HostPathKind> = { '/p/init': 'directory', '/p/seed.sql': 'file', '/etc': 'directory', '/run/docker.sock': 'other' };
const kindOf = (p: string) => kinds[p] ?? 'missing';

describe('planRemoteBinds', () => {
  it('a project folder becomes a project volume mounted at the same target; other mounts stay', () => {
    const plan = planRemoteBinds(
      project([
        { type: 'bind', source: '/p/init', target: '/docker-entrypoint-initdb.d', readOnly: true, createHostPath: false, location: at(5) },
        { type: 'volume', source: 'data', target: '/var/lib/postgresql/data', readOnly: false },
      ]),
      kindOf,
    );
    expect(plan.issues).toEqual([]);
    const key = plan.copies[0]!.volumeKey;
    expect(key).toMatch(/^bind_init_[0-9a-f]{8}$/);
    expect(plan.copies).toEqual([{ service: 'db', volumeKey: key, volumeName: `p_${key}`, hostDir: '/p/init', target: '/docker-entrypoint-initdb.d' }]);
    expect(plan.project.volumes[key]).toEqual({ name: `p_${key}`, external: false, labels: {} });
    expect(plan.project.services.db!.volumes).toEqual([
      { type: 'volume', source: key, target: '/docker-entrypoint-initdb.d', readOnly: true, location: at(5) },
      { type: 'volume', source: 'data', target: '/var/lib/postgresql/data', readOnly: false },
    ]);
  });

  it('a project file is not mounted: it is listed to be copied into the container at its target', () => {
    const plan = planRemoteBinds(
      project([
        { type: 'bind', source: '/p/seed.sql', target: '/docker-entrypoint-initdb.d/seed.sql', readOnly: true, createHostPath: false },
        { type: 'volume', source: 'data', target: '/var/lib/postgresql/data', readOnly: false },
      ]),
      kindOf,
    );
    expect(plan.issues).toEqual([]);
    expect(plan.copies).toEqual([]);
    expect(plan.files).toEqual([{ service: 'db', hostFile: '/p/seed.sql', target: '/docker-entrypoint-initdb.d/seed.sql' }]);
    expect(plan.project.services.db!.volumes).toEqual([{ type: 'volume', source: 'data', target: '/var/lib/postgresql/data', readOnly: false }]);
  });

  it('paths outside the project, sockets and missing paths: issues at each entry (the service when it has no location)', () => {
    const plan = planRemoteBinds(
      project([
        { type: 'bind', source: '/etc', target: '/host-etc', readOnly: true, createHostPath: false, location: at(5) },
        { type: 'bind', source: '/run/docker.sock', target: '/var/run/docker.sock', readOnly: false, createHostPath: false, location: at(6) },
        { type: 'bind', source: '/p/gone', target: '/gone', readOnly: false, createHostPath: true },
      ]),
      kindOf,
    );
    expect(plan.copies).toEqual([]);
    expect(plan.issues.map((i) => `${i.location.line}:${i.location.col} ${i.message}`)).toEqual([
      "5:9 service db: bind mount /etc:/host-etc is outside the project folder /p: on a remote engine it would mount the engine host's own /etc, not this host's; on a remote engine only folders and files inside the project are copied (folders into a project volume)",
      '6:9 service db: bind mount /run/docker.sock:/var/run/docker.sock is a socket, device or pipe of this host, which cannot be carried to a remote engine',
      '2:3 service db: bind mount /p/gone:/gone names a path that does not exist on this host; on a remote engine only folders and files inside the project are copied (folders into a project volume)',
    ]);
  });
});
