import { describe, expect, it } from 'vitest';
import { down } from '../../../src/app/down.js';
import type { HostPortPlanner } from '../../../src/core/host-port-plan.js';
import type { WaitForService, WaitResult } from '../../../src/core/service-wait.js';
import { up, type UpRequest } from '../../../src/app/up.js';
import type { ContainerRequest } from '../../../src/core/engine.js';
import { DevstackError, HostPortTaken, MissingBindSource } from '../../../src/core/errors.js';
import type { StackEvent } from '../../../src/core/events.js';
import type { Project, ServiceConfig } from '../../../src/core/model.js';
import { project, service } from '../core/fixtures.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

const noRemaps: HostPortPlanner = {
  plan: async (_e, req) => ({
    bindings: req.services.flatMap((s) => s.ports.map((p) => ({ service: s.name, containerPort: p.target, protocol: p.protocol, hostIp: '127.0.0.1', hostPort: p.published ?? 0 }))),
    remaps: [],
    notices: [],
  }),
  pickReplacement: async (b) => b.hostPort + 1,
  rememberReplacement: async () => [],
};

/** An engine whose first start of `service` loses the port race, as dockerd reports it. */
class PortRaceEngine extends InMemoryEngine {
  private lost = false;
  constructor(private readonly service: string) {
    super();
  }
  override async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    const port = c?.request.ports[0]?.hostPort;
    if (!this.lost && c?.request.labels['com.docker.compose.service'] === this.service && port !== undefined) {
      this.lost = true;
      throw new HostPortTaken(`start container x: driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:${port} failed: port is already allocated`, port);
    }
    return super.startContainer(id);
  }
}

const readyAfter = (ms: number, failing: Record<string, WaitResult> = {}): WaitForService => async (req) => {
  await new Promise((r) => setTimeout(r, ms));
  return failing[req.service.name] ?? { ok: true, probe: 'fake', elapsedMs: ms, attempts: 1 };
};

const healthy = { condition: 'service_healthy' as const, required: true, restart: false };
const seedProject = (): Project =>
  project([
    service('postgres', { image: 'pgvector/pgvector:pg16', ports: [{ target: 5432, published: 5437, protocol: 'tcp' }] }),
    service('redis', { image: 'redis:7-alpine' }),
    service('backend', { image: undefined, build: { context: '/p/backend', dockerfile: 'Dockerfile.dev', args: {}, labels: {} }, dependsOn: { postgres: healthy, redis: { ...healthy, condition: 'service_started' } } }),
    service('frontend', { image: undefined, build: { context: '/p/frontend', dockerfile: 'Dockerfile.dev', args: {}, labels: {} } }),
  ]);

function request(p: Project, events: StackEvent[], over: Partial<UpRequest> = {}): UpRequest {
  return {
    project: p, services: [], forceRecreate: false, removeOrphans: false, build: false, strictPorts: false, resetPorts: false,
    waitTimeoutMs: 10_000, stateDir: '/tmp/unused', signal: new AbortController().signal, onEvent: (e) => events.push(e), ...over,
  };
}

class EngineWithImages extends InMemoryEngine {
  constructor(...images: string[]) {
    super();
    for (const i of images) this.images.add(i);
  }
}

function engineWithImages(): InMemoryEngine {
  const e = new InMemoryEngine();
  e.images.add('pgvector/pgvector:pg16');
  e.images.add('redis:7-alpine');
  return e;
}

describe('up (fake engine)', () => {
  it('builds what it must, starts in dependency order, and re-up changes nothing', async () => {
    const engine = engineWithImages();
    const events: StackEvent[] = [];
    const p = seedProject();
    const result = await up(request(p, events), { engine, ports: noRemaps, waitForService: readyAfter(5) });
    expect(Object.fromEntries(result.services.map((s) => [s.service, s.action]))).toEqual({ backend: 'create', frontend: 'create', postgres: 'create', redis: 'create' });
    expect(events).toContainEqual({ type: 'service', service: 'postgres', phase: 'ready', detail: 'fake' });
    expect(engine.calls).toContain('build demo-backend');
    expect(engine.calls).toContain('build demo-frontend');
    expect(engine.calls.indexOf('start demo-backend-1')).toBeGreaterThan(engine.calls.indexOf('start demo-postgres-1'));
    expect(engine.calls.indexOf('start demo-backend-1')).toBeGreaterThan(engine.calls.indexOf('start demo-redis-1'));
    expect(engine.calls).toContain('network create demo_default');

    engine.calls.length = 0;
    const again = await up(request(p, []), { engine, ports: noRemaps, waitForService: readyAfter(1) });
    expect(again.services.every((s) => s.action === 'keep')).toBe(true);
    expect(engine.calls.filter((c) => /^(create|start|stop|rm|build)/.test(c))).toEqual([]);
  });

  it('starts what gates a health wait before what nobody waits on, even when both are due together', async () => {
    const engine = new InMemoryEngine();
    engine.delayMs = 5;
    for (const image of ['a-cache:latest', 'db:latest', 'web:latest']) engine.images.add(image);
    const p = project([
      service('a-cache'),
      service('db'),
      service('web', { dependsOn: { db: healthy } }),
    ]);
    await up(request(p, []), { engine, ports: noRemaps, waitForService: readyAfter(1) });
    const starts = engine.calls.filter((c) => c.startsWith('start '));
    expect(starts).toEqual(['start demo-db-1', 'start demo-a-cache-1', 'start demo-web-1']);
  });

  it('a port lost in the start race: another is picked, announced and remembered; --strict-ports fails instead', async () => {
    const remembered: string[] = [];
    const ports: HostPortPlanner = {
      ...noRemaps,
      rememberReplacement: async (m, b, port) => {
        remembered.push(`${m.project} ${b.service} ${b.containerPort} -> ${port}`);
        return ['cannot remember the port remaps in /state/demo.json (EACCES); they may change on the next run'];
      },
    };
    const engine = new PortRaceEngine('postgres');
    for (const image of ['pgvector/pgvector:pg16', 'redis:7-alpine']) engine.images.add(image);
    const p = project([seedProject().services.postgres as ServiceConfig, seedProject().services.redis as ServiceConfig]);
    const events: StackEvent[] = [];
    const r = await up(request(p, events), { engine, ports, waitForService: readyAfter(1) });
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', message: 'postgres 5437 -> 5438 (5437 was taken while starting)' }));
    expect(remembered).toEqual(['demo postgres 5432 -> 5438']);
    // The memory is a cache: a failure to write it is said, not swallowed.
    expect(events).toContainEqual({ type: 'notice', level: 'warn', service: 'postgres', message: 'cannot remember the port remaps in /state/demo.json (EACCES); they may change on the next run' });
    expect(r.services.find((s) => s.service === 'postgres')?.action).toBe('create');

    const strictEngine = new PortRaceEngine('postgres');
    for (const image of ['pgvector/pgvector:pg16', 'redis:7-alpine']) strictEngine.images.add(image);
    const err = (await up(request(p, [], { strictPorts: true }), { engine: strictEngine, ports, waitForService: readyAfter(1) }).catch((e: unknown) => e)) as DevstackError;
    expect(err.message).toContain('host port 5437 was taken while starting (--strict-ports)');
    expect(remembered).toHaveLength(1);
  });

  it('a replica that loses its port at start moves past the ports planned for the other replicas, and says which replica', async () => {
    // Replica 1 is planned on 8000, replica 2 on 8001; 8000 turns out taken on the engine host at start.
    const ports: HostPortPlanner = {
      plan: async () => ({
        bindings: [1, 2].map((replica) => ({ service: 'web', replica, containerPort: 80, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 7999 + replica })),
        remaps: [],
        notices: [],
      }),
      pickReplacement: async (b, alsoTaken) => {
        let port = b.hostPort + 1;
        while (alsoTaken.has(port)) port++;
        return port;
      },
      rememberReplacement: async () => [],
    };
    const engine = new (class extends InMemoryEngine {
      override async startContainer(id: string): Promise<void> {
        const port = this.containers.get(id)?.request.ports[0]?.hostPort;
        if (port === 8000) throw new HostPortTaken(`listen tcp4 127.0.0.1:8000: bind: address already in use`, 8000);
        return super.startContainer(id);
      }
    })();
    engine.images.add('web:latest');
    const events: StackEvent[] = [];
    await up(request(project([service('web', { scale: 2, ports: [{ target: 80, protocol: 'tcp' }] })]), events), { engine, ports, waitForService: readyAfter(1) });
    expect(events.filter((e) => e.type === 'notice').map((e) => (e as { message: string }).message)).toContain('web-1 8000 -> 8002 (8000 was taken while starting)');
    expect([...engine.containers.values()].map((c) => [c.request.name, c.request.ports[0]?.hostPort]).sort()).toEqual([['demo-web-1', 8002], ['demo-web-2', 8001]]);
  });

  it('a one-shot nobody waits on that exits 0 has done its job; with a restart policy, or exiting 1, it fails', async () => {
    const exited = (code: number) => ({ ok: false as const, probe: 'container running', elapsedMs: 5, reason: 'exited' as const, exitCode: code });
    const engine = new InMemoryEngine();
    engine.images.add('seed:latest');
    const r = await up(request(project([service('seed')]), []), { engine, ports: noRemaps, waitForService: readyAfter(1, { seed: exited(0) }) });
    expect(r.services[0]).toMatchObject({ service: 'seed', probe: 'exited 0 (one-shot)' });

    const always = project([service('seed', { restart: 'always' })]);
    await expect(up(request(always, []), { engine: new EngineWithImages('seed:latest'), ports: noRemaps, waitForService: readyAfter(1, { seed: exited(0) }) })).rejects.toThrow(/^seed exited with code 0/);
    await expect(up(request(project([service('seed')]), []), { engine: new EngineWithImages('seed:latest'), ports: noRemaps, waitForService: readyAfter(1, { seed: exited(1) }) })).rejects.toThrow(/^seed exited with code 1/);
  });

  it('recreates only the changed service', async () => {
    const engine = engineWithImages();
    const p = seedProject();
    await up(request(p, []), { engine, ports: noRemaps, waitForService: readyAfter(1) });
    engine.calls.length = 0;
    (p.services.redis as { environment: Record<string, string> }).environment = { CHANGED: '1' };
    const r = await up(request(p, []), { engine, ports: noRemaps, waitForService: readyAfter(1) });
    expect(r.services.find((s) => s.service === 'redis')?.action).toBe('recreate');
    expect(r.services.filter((s) => s.action === 'keep').map((s) => s.service).sort()).toEqual(['backend', 'frontend', 'postgres']);
  });

  it('fails naming the service and why; dependents are not started', async () => {
    const engine = engineWithImages();
    const events: StackEvent[] = [];
    const failing = { postgres: { ok: false as const, probe: 'postgres', elapsedMs: 1200, reason: 'exited' as const, exitCode: 1, lastError: 'password authentication failed for user "app"' } };
    const err = await up(request(seedProject(), events), { engine, ports: noRemaps, waitForService: readyAfter(2, failing) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevstackError);
    const e = err as DevstackError;
    expect(e.kind).toBe('service-failed');
    expect(e.message).toMatch(/^postgres exited with code 1/);
    expect(e.details.join('\n')).toContain('password authentication failed for user "app"');
    expect(e.details.join('\n')).toContain('not started because they depend on it: backend');
    // It printed nothing: the hint says where to look instead of pointing at log lines that are not there.
    expect(e.hint).toBe('Check its logs with `devstack logs postgres` (it printed none so far); fix the service and run devstack up again.');
    expect(engine.calls).not.toContain('start demo-backend-1');
    expect(events).toContainEqual({ type: 'service', service: 'backend', phase: 'skipped' });
  });

  it('a container that fails to start is reported with its log lines', async () => {
    const engine = engineWithImages();
    engine.failStart.add('redis');
    const err = (await up(request(seedProject(), []), { engine, ports: noRemaps, waitForService: readyAfter(1) }).catch((e: unknown) => e)) as DevstackError;
    expect(err.message).toContain('redis: container demo-redis-1 failed to start');
    expect(err.details.join('\n')).toContain('| fatal: cannot start');
    expect(err.details.join('\n')).toContain('backend');
  });

  it('on Ctrl-C stops what this run started and says interrupted', async () => {
    const engine = engineWithImages();
    const ctl = new AbortController();
    const wait: WaitForService = async (req) => {
      if (req.service.name === 'postgres') ctl.abort();
      return { ok: false, probe: 'fake', elapsedMs: 1, reason: 'aborted' };
    };
    const err = (await up(request(seedProject(), [], { signal: ctl.signal }), { engine, ports: noRemaps, waitForService: wait }).catch((e: unknown) => e)) as DevstackError;
    expect(err.kind).toBe('interrupted');
    expect(engine.calls).toContain('stop demo-postgres-1');
    expect(engine.calls).not.toContain('start demo-backend-1');
  });

  it('a missing bind source the engine may not create: a compose error at the volume entry that names it', async () => {
    class NoBindSource extends EngineWithImages {
      override async createContainer(req: ContainerRequest): Promise<string> {
        const missing = req.mounts.find((m) => m.type === 'bind' && !m.createHostPath);
        if (missing) throw new MissingBindSource(`create container ${req.name}: invalid mount config for type "bind": bind source path does not exist: ${missing.source}`, missing.source);
        return super.createContainer(req);
      }
    }
    const entry = { file: '/p/compose.yaml', line: 6, col: 9 };
    const volumes: ServiceConfig['volumes'] = [
      { type: 'bind', source: '/p/data', target: '/data', readOnly: false, createHostPath: true, location: { ...entry, line: 5 } },
      { type: 'bind', source: '/p/must-exist', target: '/must', readOnly: false, createHostPath: false, location: entry },
    ];
    const located = (await up(request(project([service('app', { volumes })]), []), { engine: new NoBindSource('app:latest'), ports: noRemaps, waitForService: readyAfter(1) }).catch((e: unknown) => e)) as DevstackError;
    expect(located).toMatchObject({ kind: 'compose', location: entry, message: expect.stringContaining('bind source path does not exist: /p/must-exist') });
    // A mount without a location of its own (made by devstack): the service.
    const unlocated = volumes.map(({ location: _, ...v }) => v as ServiceConfig['volumes'][number]);
    const atService = (await up(request(project([service('app', { volumes: unlocated })]), []), { engine: new NoBindSource('app:latest'), ports: noRemaps, waitForService: readyAfter(1) }).catch((e: unknown) => e)) as DevstackError;
    expect(atService.location).toEqual({ file: '/p/compose.yaml', line: 2, col: 3 });
  });

  it('rejects an unknown service listing the known ones', async () => {
    const err = (await up(request(seedProject(), [], { services: ['db'] }), { engine: engineWithImages(), ports: noRemaps, waitForService: readyAfter(1) }).catch((e: unknown) => e)) as DevstackError;
    expect(err.kind).toBe('not-found');
    expect(err.hint).toBe('Services in this project: backend, frontend, postgres, redis.');
  });
});

describe('down (fake engine)', () => {
  it('removes containers dependents-first and the network; volumes only when confirmed', async () => {
    const engine = engineWithImages();
    const p = seedProject();
    p.volumes.pgdata = { name: 'demo_pgdata', external: false, labels: {} };
    (p.services.postgres as { volumes: unknown[] }).volumes = [{ type: 'volume', source: 'pgdata', target: '/data', readOnly: false }];
    await up(request(p, []), { engine, ports: noRemaps, waitForService: readyAfter(1) });
    engine.volumes.set('someone_elses', { 'com.docker.compose.project': 'other' });
    engine.calls.length = 0;
    const base = { projectName: 'demo', services: p.services, stopTimeoutS: 1, signal: new AbortController().signal, onEvent: () => {} };
    await expect(down({ ...base, removeVolumes: true, confirmVolumeRemoval: async () => false }, { engine })).rejects.toThrow(/not confirmed/);
    expect(engine.containers.size).toBe(4);
    const r = await down({ ...base, removeVolumes: true, confirmVolumeRemoval: async () => true }, { engine });
    expect(r.volumes).toEqual(['demo_pgdata']);
    expect(engine.volumes.has('someone_elses')).toBe(true);
    expect(engine.calls.indexOf('stop demo-backend-1')).toBeLessThan(engine.calls.indexOf('stop demo-postgres-1'));
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
  });
});

describe('up: the final readiness pass', () => {
  it('asks again instead of trusting what a dependent saw earlier', async () => {
    const engine = engineWithImages();
    const p = project([service('migrate', { image: 'redis:7-alpine' }), service('app', { image: 'redis:7-alpine', dependsOn: { migrate: healthy } })]);
    let asked = 0;
    // The first look sees migrate running; by the final pass it has exited 1.
    const wait: WaitForService = async (req) => {
      if (req.service.name !== 'migrate') return { ok: true, probe: 'fake', elapsedMs: 1, attempts: 1 };
      asked += 1;
      if (asked === 1) engine.scripted(req.containerId).exit(1);
      return asked === 1 ? { ok: true, probe: 'container running', elapsedMs: 1, attempts: 1 } : { ok: false, probe: 'container running', elapsedMs: 5, reason: 'exited', exitCode: 1 };
    };
    const err = (await up(request(p, []), { engine, ports: noRemaps, waitForService: wait }).catch((e: unknown) => e)) as DevstackError;
    expect(asked).toBe(2);
    expect(err.message).toMatch(/^migrate exited with code 1/);
  });
});
