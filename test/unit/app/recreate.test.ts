// A recreate with the fake engine: the order of the steps (rename aside, create, stop, remove), which anonymous
// volumes the new container inherits, the roll-back of a failed create, and the leftovers an interrupted recreate
// leaves for the next `up`. The real-engine counterpart (a Postgres row kept) is test/engine/up-recreate.test.ts.
import { describe, expect, it } from 'vitest';
import { down } from '../../../src/app/down.js';
import { up, type UpRequest } from '../../../src/app/up.js';
import type { ContainerRequest } from '../../../src/core/engine.js';
import type { StackEvent } from '../../../src/core/events.js';
import type { HostPortPlanner } from '../../../src/core/host-port-plan.js';
import type { Project } from '../../../src/core/model.js';
import type { WaitForService } from '../../../src/core/service-wait.js';
import { project, service } from '../core/fixtures.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

const ports: HostPortPlanner = { plan: async () => ({ bindings: [], remaps: [], notices: [] }), pickReplacement: async (b) => b.hostPort, rememberReplacement: async () => [] };
const ready: WaitForService = async () => ({ ok: true, probe: 'fake', elapsedMs: 0, attempts: 1 });

function request(p: Project, events: StackEvent[], over: Partial<UpRequest> = {}): UpRequest {
  return {
    project: p, services: [], forceRecreate: false, removeOrphans: false, build: false, strictPorts: false, resetPorts: false,
    waitTimeoutMs: 5_000, stateDir: '/tmp/unused', signal: new AbortController().signal, onEvent: (e) => events.push(e), ...over,
  };
}

/** A postgres image that declares VOLUME /var/lib/postgresql/data, as the official one does. */
function engineWithPostgres(): InMemoryEngine {
  const engine = new InMemoryEngine();
  engine.images.add('postgres:16');
  engine.imageVolumeDecls.set('postgres:16', ['/var/lib/postgresql/data']);
  return engine;
}

const dbProject = (env: Record<string, string> = {}) => project([service('db', { image: 'postgres:16', environment: env })]);

function dataVolumeOf(engine: InMemoryEngine, name: string): string | undefined {
  const c = [...engine.containers.values()].find((x) => x.request.name === name);
  return c?.details.mounts?.find((m) => m.target === '/var/lib/postgresql/data')?.name;
}

describe('recreate (fake engine)', () => {
  it('renames the old container aside, creates the new one with its anonymous volumes, then stops and removes the old one', async () => {
    const engine = engineWithPostgres();
    await up(request(dbProject(), []), { engine, ports, waitForService: ready });
    const volume = dataVolumeOf(engine, 'demo-db-1');
    expect(volume).toMatch(/^[0-9a-f]{64}$/);
    engine.calls.length = 0;

    await up(request(dbProject({ CHANGED: '1' }), []), { engine, ports, waitForService: ready });
    const oldId = 'c1';
    expect(engine.calls).toEqual([
      `rename demo-db-1 ${oldId}_demo-db-1`,
      'create demo-db-1',
      `stop ${oldId}_demo-db-1`,
      `rm ${oldId}_demo-db-1`,
      'start demo-db-1',
    ]);
    // The volume the image declared is the new container's too: same data.
    expect(dataVolumeOf(engine, 'demo-db-1')).toBe(volume);
    expect(engine.containers.size).toBe(1);
  });

  it('--force-recreate keeps the image-declared volume as well', async () => {
    const engine = engineWithPostgres();
    await up(request(dbProject(), []), { engine, ports, waitForService: ready });
    const volume = dataVolumeOf(engine, 'demo-db-1');
    await up(request(dbProject(), [], { forceRecreate: true }), { engine, ports, waitForService: ready });
    expect(dataVolumeOf(engine, 'demo-db-1')).toBe(volume);
  });

  it('a failed create gives the old container its name back, still running, and fails', async () => {
    const engine = engineWithPostgres();
    await up(request(dbProject(), []), { engine, ports, waitForService: ready });
    const volume = dataVolumeOf(engine, 'demo-db-1');
    const original = engine.createContainer.bind(engine);
    engine.createContainer = async (req: ContainerRequest) => {
      if (req.labels.CHANGED === '1') throw new Error('create refused');
      return original(req);
    };
    engine.calls.length = 0;
    const changed = project([service('db', { image: 'postgres:16', labels: { CHANGED: '1' } })]);
    await expect(up(request(changed, []), { engine, ports, waitForService: ready })).rejects.toThrow();
    expect(engine.calls).toEqual(['rename demo-db-1 c1_demo-db-1', 'rename c1_demo-db-1 demo-db-1']);
    const old = engine.containers.get('c1');
    expect(old).toMatchObject({ details: expect.objectContaining({ status: 'running' }), request: expect.objectContaining({ name: 'demo-db-1' }) });
    expect(dataVolumeOf(engine, 'demo-db-1')).toBe(volume);
  });

  it('after a kill between rename and create, the next up finds the renamed container and carries on from it', async () => {
    const engine = engineWithPostgres();
    await up(request(dbProject(), []), { engine, ports, waitForService: ready });
    const volume = dataVolumeOf(engine, 'demo-db-1');
    await engine.renameContainer('c1', 'c1_demo-db-1'); // where the killed run stopped

    const events: StackEvent[] = [];
    await up(request(dbProject(), events), { engine, ports, waitForService: ready });
    expect(engine.containers.get('c1')?.request.name).toBe('demo-db-1');
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', message: expect.stringContaining('renamed c1_demo-db-1 back to demo-db-1') }));

    await engine.renameContainer('c1', 'c1_demo-db-1');
    await up(request(dbProject({ CHANGED: '1' }), []), { engine, ports, waitForService: ready });
    expect([...engine.containers.values()].map((c) => c.request.name)).toEqual(['demo-db-1']);
    expect(dataVolumeOf(engine, 'demo-db-1')).toBe(volume);
  });

  it('after a kill between create and remove, the next up starts the new container and removes the old one, saying so', async () => {
    const engine = engineWithPostgres();
    await up(request(dbProject(), []), { engine, ports, waitForService: ready });
    const volume = dataVolumeOf(engine, 'demo-db-1') as string;
    // The run dies right after the create: the old container is renamed aside and still runs.
    const stop = engine.stopContainer.bind(engine);
    engine.stopContainer = async () => {
      throw new Error('killed');
    };
    await expect(up(request(dbProject({ CHANGED: '1' }), []), { engine, ports, waitForService: ready })).rejects.toThrow();
    engine.stopContainer = stop;
    expect([...engine.containers.values()].map((c) => [c.request.name, c.details.status])).toEqual([['c1_demo-db-1', 'running'], ['demo-db-1', 'created']]);

    const events: StackEvent[] = [];
    await up(request(dbProject({ CHANGED: '1' }), events), { engine, ports, waitForService: ready });
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', message: 'db: removing c1_demo-db-1, left by an interrupted recreate (its replacement exists; volumes kept)' }));
    expect([...engine.containers.values()].map((c) => [c.request.name, c.details.status])).toEqual([['demo-db-1', 'running']]);
    expect(dataVolumeOf(engine, 'demo-db-1')).toBe(volume);
  });

  it('up announces each extra replica it removes', async () => {
    const engine = engineWithPostgres();
    const p = dbProject();
    await up(request(p, []), { engine, ports, waitForService: ready });
    const first = [...engine.containers.values()][0]!;
    for (const n of ['2', '3']) {
      const id = await engine.createContainer({ ...first.request, name: `demo-db-${n}`, labels: { ...first.request.labels, 'com.docker.compose.container-number': n } });
      await engine.startContainer(id);
    }
    const events: StackEvent[] = [];
    await up(request(p, events), { engine, ports, waitForService: ready });
    const notices = events.filter((e) => e.type === 'notice').map((e) => (e as { message: string }).message);
    expect(notices).toEqual([
      'db: removing demo-db-2 (replica 2; scale is now 1; volumes kept)',
      'db: removing demo-db-3 (replica 3; scale is now 1; volumes kept)',
    ]);
    expect([...engine.containers.values()].map((c) => c.request.name)).toEqual(['demo-db-1']);
  });

  it('a rebuild (fresh anonymous volumes) removes the old ones, including one an earlier recreate carried over', async () => {
    const engine = engineWithPostgres();
    await up(request(dbProject(), []), { engine, ports, waitForService: ready });
    await up(request(dbProject({ CHANGED: '1' }), []), { engine, ports, waitForService: ready });
    const carried = dataVolumeOf(engine, 'demo-db-1') as string;
    await up(request(dbProject({ CHANGED: '1' }), [], { rebuild: ['db'] }), { engine, ports, waitForService: ready });
    expect(engine.volumes.has(carried)).toBe(false);
    expect(dataVolumeOf(engine, 'demo-db-1')).not.toBe(carried);
  });

  it('down --volumes removes an anonymous volume a recreate handed over by name', async () => {
    const engine = engineWithPostgres();
    await up(request(dbProject(), []), { engine, ports, waitForService: ready });
    await up(request(dbProject({ CHANGED: '1' }), []), { engine, ports, waitForService: ready });
    const volume = dataVolumeOf(engine, 'demo-db-1') as string;
    expect(engine.volumes.has(volume)).toBe(true);
    await down(
      { projectName: 'demo', services: {}, removeVolumes: true, confirmVolumeRemoval: async () => true, stopTimeoutS: 1, signal: new AbortController().signal, onEvent: () => {} },
      { engine },
    );
    expect(engine.volumes.has(volume)).toBe(false);
  });
});
