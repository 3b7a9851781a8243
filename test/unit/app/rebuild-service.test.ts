import { describe, expect, it } from 'vitest';
import { rebuildService } from '../../../src/app/rebuild-service.js';
import { up } from '../../../src/app/up.js';
import type { ContainerDetails, ContainerRequest } from '../../../src/core/engine.js';
import type { StackEvent } from '../../../src/core/events.js';
import type { HostPortPlanner } from '../../../src/core/host-port-plan.js';
import type { WaitForService } from '../../../src/core/service-wait.js';
import { dependsOn, project, service } from '../core/fixtures.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

const ANON = 'a'.repeat(64);

/** Reports an anonymous volume on /app/node_modules for every container, and records how containers are removed. */
class VolumeEngine extends InMemoryEngine {
  readonly removals: { name: string; removeVolumes: boolean }[] = [];
  readonly created: ContainerRequest[] = [];
  override async inspectContainer(id: string): Promise<ContainerDetails> {
    return { ...(await super.inspectContainer(id)), mounts: [{ type: 'volume', name: ANON, source: `/v/${ANON}`, target: '/app/node_modules' }] };
  }
  override async removeContainer(id: string, opts?: { force: boolean; removeVolumes: boolean }): Promise<void> {
    const c = this.containers.get(id);
    if (c) this.removals.push({ name: c.request.name, removeVolumes: opts?.removeVolumes === true });
    await super.removeContainer(id);
  }
  override async createContainer(req: ContainerRequest): Promise<string> {
    this.created.push(req);
    return super.createContainer(req);
  }
}

const ports: HostPortPlanner = { plan: async () => ({ bindings: [], remaps: [], notices: [] }), pickReplacement: async (b) => b.hostPort, rememberReplacement: async () => [] };
const ready: WaitForService = async () => ({ ok: true, probe: 'fake', elapsedMs: 0, attempts: 1 });

function stack() {
  const build = { context: '/p/web', dockerfile: 'Dockerfile', args: {}, labels: {} };
  return project([
    service('db'),
    service('web', { image: undefined, build, dependsOn: dependsOn('db'), volumes: [{ type: 'volume', target: '/app/node_modules', readOnly: false }] }),
    service('worker', { dependsOn: { web: { condition: 'service_started', required: true, restart: true } } }),
    service('other'),
  ]);
}

describe('rebuildService (fake engine)', () => {
  it('builds the image, recreates only that service with fresh anonymous volumes, restarts restart: true dependents', async () => {
    const engine = new VolumeEngine();
    for (const img of ['db:latest', 'worker:latest', 'other:latest']) engine.images.add(img);
    const p = stack();
    const base = { project: p, forceRecreate: false, removeOrphans: false, build: false, strictPorts: false, resetPorts: false, waitTimeoutMs: 5000, stateDir: '/tmp/unused', signal: new AbortController().signal };
    await up({ ...base, services: [], onEvent: () => {} }, { engine, ports, waitForService: ready });
    engine.calls.length = 0;
    engine.created.length = 0;

    const events: StackEvent[] = [];
    const result = await rebuildService(
      { project: p, service: 'web', strictPorts: false, waitTimeoutMs: 5000, stateDir: '/tmp/unused', signal: new AbortController().signal, onEvent: (e) => events.push(e) },
      { engine, ports, waitForService: ready },
    );

    expect(engine.calls).toContain('build demo-web');
    expect(Object.fromEntries(result.up.services.map((s) => [s.service, s.action]))).toEqual({ db: 'keep', web: 'recreate' });
    // The old container was renamed aside (`<id>_<name>`) while the new one was created, then removed.
    expect(engine.removals).toEqual([{ name: expect.stringMatching(/_demo-web-1$/), removeVolumes: true }]);
    // The new container gets a new anonymous volume, not the old one (whose content came from the old image).
    expect(engine.created.map((r) => r.name)).toEqual(['demo-web-1']);
    expect(engine.created[0]!.mounts).toEqual([expect.objectContaining({ type: 'volume', target: '/app/node_modules' })]);
    expect(engine.created[0]!.mounts[0]!.source).toBeUndefined();
    expect(result.restarted).toEqual(['worker']);
    expect(engine.calls).toContain('restart demo-worker-1');
    expect(engine.calls.filter((c) => c.includes('other'))).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'service', service: 'web', phase: 'recreate', detail: 'forced' }));
  });

  it('a plain recreate (not a rebuild) still keeps the anonymous volume', async () => {
    const engine = new VolumeEngine();
    for (const img of ['db:latest', 'worker:latest', 'other:latest']) engine.images.add(img);
    const p = stack();
    const base = { project: p, services: ['web'], removeOrphans: false, build: false, strictPorts: false, resetPorts: false, waitTimeoutMs: 5000, stateDir: '/tmp/unused', signal: new AbortController().signal, onEvent: () => {} };
    await up({ ...base, forceRecreate: false }, { engine, ports, waitForService: ready });
    engine.created.length = 0;
    await up({ ...base, forceRecreate: true }, { engine, ports, waitForService: ready });
    const web = engine.created.find((r) => r.name === 'demo-web-1');
    expect(web?.mounts).toEqual([expect.objectContaining({ target: '/app/node_modules', source: ANON })]);
    expect(engine.removals.find((r) => r.name.endsWith('_demo-web-1'))?.removeVolumes).toBe(false);
  });
});
