// resetDb's decisions with a fake engine and a fake Postgres admin: what it refuses, what it asks, which path it
// takes. The real paths (from scratch, from the baseline, named snapshots) run on a real Postgres in
// test/engine/reset-db.test.ts.
import { describe, expect, it } from 'vitest';
import { resetDb, type ResetDbDeps } from '../../../src/app/reset-db.js';
import { formatSnapshotComment } from '../../../src/core/db-snapshots.js';
import type { ContainerDetails, ContainerRequest } from '../../../src/core/engine.js';
import { DevstackError } from '../../../src/core/errors.js';
import type { PostgresAdmin } from '../../../src/core/postgres-admin.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';
import { project, service } from '../core/fixtures.js';

type Mount = NonNullable<ContainerDetails['mounts']>[number];

class FakeAdmin implements PostgresAdmin {
  readonly calls: string[] = [];
  templates: { name: string; comment: string | null }[] = [];
  async listDatabases() {
    return [{ name: 'appdb', owner: 'app' }];
  }
  async listSnapshotTemplates() {
    return this.templates;
  }
  async copyDatabase(from: string, to: string) {
    this.calls.push(`copy ${from} -> ${to}`);
  }
  async dropDatabase(name: string) {
    this.calls.push(`drop ${name}`);
  }
  async close() {}
}

const db = service('db', { image: 'postgres:16-alpine' });
const stack = project([db]);

async function setUp(mounts: Mount[]) {
  const engine = new InMemoryEngine();
  engine.images.add('postgres:16-alpine');
  const id = await engine.createContainer({
    name: 'demo-db-1',
    image: 'postgres:16-alpine',
    env: {},
    labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'db' },
  } as unknown as ContainerRequest);
  await engine.startContainer(id);
  engine.update(engine.mustGet(id), { mounts }); // as the engine reports them: a data volume, a host folder, …
  engine.calls.length = 0;
  const admin = new FakeAdmin();
  const deps = {
    engine,
    openPostgresAdmin: async () => admin,
    digestHostPaths: async () => 'digest',
    upDeps: async () => {
      throw new Error('not from scratch here');
    },
  } satisfies ResetDbDeps;
  return { engine, admin, deps };
}

const questions: string[] = [];
const request = (over: { confirm?: boolean; to?: string; fromScratch?: boolean } = {}) => ({
  project: stack,
  fromScratch: over.fromScratch ?? false,
  ...(over.to ? { to: over.to } : {}),
  confirm: async (q: string) => {
    questions.push(q);
    return over.confirm ?? true;
  },
  waitTimeoutMs: 10_000,
  stateDir: '/tmp/unused',
  signal: new AbortController().signal,
  onEvent: () => {},
});

describe('resetDb (fake engine, fake admin)', () => {
  it('data in a host folder: refused before asking, nothing removed', async () => {
    const { engine, deps } = await setUp([{ type: 'bind', source: '/home/me/pgdata', target: '/var/lib/postgresql/data' }]);
    questions.length = 0;
    const err = await resetDb(request(), deps).catch((e: unknown) => e as DevstackError);
    expect(err).toBeInstanceOf(DevstackError);
    expect((err as DevstackError).message).toBe('db keeps its data in the host folder /home/me/pgdata; devstack does not delete host folders.');
    expect((err as DevstackError).hint).toContain('devstack snapshot-db NAME');
    expect(questions).toEqual([]);
    expect(engine.calls).toEqual([]);
  });

  it('a "no" keeps everything: nothing removed, method declined', async () => {
    const { engine, deps } = await setUp([{ type: 'volume', name: 'demo_pgdata', source: '/var/lib/docker/volumes/demo_pgdata/_data', target: '/var/lib/postgresql/data' }]);
    engine.volumes.set('demo_pgdata', { 'com.docker.compose.project': 'demo' });
    questions.length = 0;
    const result = await resetDb(request({ confirm: false }), deps);
    expect(result.method).toBe('declined');
    expect(questions).toEqual(['Delete all data of db (volume demo_pgdata) and initialise it again?']);
    expect(engine.calls).toEqual([]);
    expect(engine.volumes.has('demo_pgdata')).toBe(true);
  });

  it('a named snapshot is restored inside the server: each database dropped and copied back, the engine untouched', async () => {
    const { engine, admin, deps } = await setUp([]);
    const comment = formatSnapshotComment({ snapshot: 'seeded', saveId: 's1', database: 'appdb', owner: 'app', parts: 1, createdAt: '2026-11-27T00:00:00.000Z' });
    admin.templates = [{ name: 'devstack_snap_s1_0', comment }, { name: 'devstack_snap_stray', comment: 'not ours' }];
    questions.length = 0;
    const result = await resetDb(request({ to: 'seeded' }), deps);
    expect(result).toMatchObject({ service: 'db', method: 'snapshot', snapshot: 'seeded', databases: ['appdb'] });
    expect(questions).toEqual(['Replace appdb of db with snapshot seeded? Their current data is lost.']);
    expect(admin.calls).toEqual(['drop appdb', 'copy devstack_snap_s1_0 -> appdb']);
    expect(engine.calls).toEqual([]);
  });

  it('no running container: exit "not-found" with the command that starts it', async () => {
    const { engine, deps } = await setUp([]);
    for (const id of engine.containers.keys()) await engine.stopContainer(id);
    const err = (await resetDb(request(), deps).catch((e: unknown) => e)) as DevstackError;
    expect([err.kind, err.message, err.hint]).toEqual(['not-found', 'db has no running container in project demo.', 'Start it first: `devstack up db`.']);
  });
});
