// The steps of one `up` run, each on its own with the fake engine: visit, confirm, blame, result.
import { describe, expect, it } from 'vitest';
import { planUp } from '../../../src/app/plan-up.js';
import { completedOneShot, DependencyNotReady, UpRun } from '../../../src/app/up-run.js';
import type { UpRequest } from '../../../src/app/up.js';
import type { StackEvent } from '../../../src/core/events.js';
import { DependencyGraph, type WalkOutcome } from '../../../src/core/graph.js';
import type { HostPortPlan, HostPortPlanner } from '../../../src/core/host-port-plan.js';
import type { Project } from '../../../src/core/model.js';
import type { WaitForService, WaitResult } from '../../../src/core/service-wait.js';
import { dependsOn, project, service } from '../core/fixtures.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

const noPorts: HostPortPlan = { bindings: [], remaps: [], notices: [] };
const ports: HostPortPlanner = { plan: async () => noPorts, pickReplacement: async (b) => b.hostPort, rememberReplacement: async () => [] };
const ready: WaitResult = { ok: true, probe: 'fake', elapsedMs: 3, attempts: 1 };
const exited = (code: number): WaitResult => ({ ok: false, probe: 'container running', elapsedMs: 5, reason: 'exited', exitCode: code });

/**
 * A planned run over `p` (every service selected) whose waits answer from `verdicts` by service or by container
 * name (ready otherwise).
 */
async function runFor(p: Project, verdicts: Record<string, WaitResult> = {}) {
  const engine = new InMemoryEngine();
  for (const s of Object.values(p.services)) engine.images.add(s.image as string);
  const events: StackEvent[] = [];
  const waitForService: WaitForService = async (w) => verdicts[(await engine.inspectContainer(w.containerId)).name] ?? verdicts[w.service.name] ?? ready;
  const req: UpRequest = {
    project: p, services: [], forceRecreate: false, removeOrphans: false, build: false, strictPorts: false, resetPorts: false,
    waitTimeoutMs: 5_000, stateDir: '/tmp/unused', signal: new AbortController().signal, onEvent: (e) => events.push(e),
  };
  const graph = new DependencyGraph(p.services);
  const selected = graph.services;
  const rebuild = new Set<string>();
  const { specs, actions } = await planUp({ engine, project: p, graph, selected, portPlan: noPorts, forceRecreate: false, removeOrphans: false, rebuild, onEvent: req.onEvent });
  const run = new UpRun({ req, deps: { engine, ports, waitForService }, graph, selected, portPlan: noPorts, specs, actions, rebuild, deadline: Date.now() + 5_000, signal: req.signal });
  return { run, engine, events };
}

const stack = () => project([service('db'), service('web', { dependsOn: { db: { condition: 'service_healthy', required: true, restart: false } } }), service('ui', { dependsOn: dependsOn('web') })]);

describe('UpRun steps (fake engine)', () => {
  it('visit creates and starts the service, then its dependent once the dependency is ready', async () => {
    const { run, engine } = await runFor(stack());
    await run.visit('db');
    await run.visit('web');
    expect(engine.calls).toEqual(['create demo-db-1', 'start demo-db-1', 'create demo-web-1', 'start demo-web-1']);
    expect([...run.containerIds.keys()]).toEqual(['db', 'web']);
  });

  it('visit of a dependent fails with DependencyNotReady when a required dependency is not ready, and records why', async () => {
    const { run, engine } = await runFor(stack(), { db: exited(1) });
    await run.visit('db');
    const err = await run.visit('web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyNotReady);
    expect(run.failures.get('db')).toEqual(exited(1));
    expect(engine.calls).not.toContain('start demo-web-1');
  });

  it('confirm records each started service as ready, or as a failure', async () => {
    const { run, events } = await runFor(project([service('db'), service('seed')]), { seed: exited(2) });
    await run.visit('db');
    await run.visit('seed');
    await run.confirm();
    expect(run.readiness.get('db')).toEqual(ready);
    expect(run.failures.get('seed')).toEqual(exited(2));
    expect(events).toContainEqual({ type: 'service', service: 'db', phase: 'ready', detail: 'fake' });
  });

  it('blame reports the root failure, not the dependents it took down, and names who waited', async () => {
    const { run, events } = await runFor(stack(), { db: exited(1) });
    await run.visit('db');
    await run.visit('web').catch(() => undefined);
    const outcomes: WalkOutcome[] = [
      { service: 'db', status: 'done' },
      { service: 'web', status: 'failed', error: new DependencyNotReady('db') },
      { service: 'ui', status: 'skipped', because: 'web' },
    ];
    const err = await run.blame(outcomes);
    expect(err?.message).toMatch(/^db exited with code 1/);
    expect(err?.details.join('\n')).toContain('not started because they depend on it: ui, web');
    expect(events.filter((e) => e.type === 'service' && (e.phase === 'failed' || e.phase === 'skipped')).map((e) => e.type === 'service' && `${e.service} ${e.phase}`)).toEqual([
      'db failed',
      'web skipped',
      'ui skipped',
    ]);
  });

  it('blame has nothing to report when every visit succeeded and every service is ready', async () => {
    const { run } = await runFor(project([service('db')]));
    await run.visit('db');
    await run.confirm();
    expect(await run.blame([{ service: 'db', status: 'done' }])).toBeUndefined();
  });

  it('result lists each selected service with its action, probe and container name', async () => {
    const { run } = await runFor(project([service('db')]));
    await run.visit('db');
    await run.confirm();
    expect(await run.result()).toEqual([{ service: 'db', container: 'demo-db-1', action: 'create', probe: 'fake', readyAfterMs: 3, ports: [] }]);
  });

  it('a one-shot without a restart policy that exited 0 has completed; with a policy, or non-zero, it has not', () => {
    expect(completedOneShot(service('seed'), exited(0))).toMatchObject({ ok: true, probe: 'exited 0 (one-shot)' });
    expect(completedOneShot(service('seed', { restart: 'always' }), exited(0))).toBeUndefined();
    expect(completedOneShot(service('seed'), exited(1))).toBeUndefined();
  });

  it('visit starts every replica of a scaled service; a dependent waits for all of them; a broken one is named', async () => {
    const scaled = () => project([service('db', { scale: 3 }), service('web', { dependsOn: { db: { condition: 'service_healthy', required: true, restart: false } } })]);
    const { run, engine } = await runFor(scaled());
    await run.visit('db');
    await run.visit('web');
    expect(engine.calls.filter((c) => c.startsWith('start')).sort()).toEqual(['start demo-db-1', 'start demo-db-2', 'start demo-db-3', 'start demo-web-1']);
    expect(run.containerIds.get('db')).toHaveLength(3);

    const broken = await runFor(scaled(), { 'demo-db-2': exited(1) });
    await broken.run.visit('db');
    expect(await broken.run.visit('web').catch((e: unknown) => e)).toBeInstanceOf(DependencyNotReady);
    expect(broken.engine.calls).not.toContain('start demo-web-1');
    const err = await broken.run.blame([{ service: 'db', status: 'done' }, { service: 'web', status: 'failed', error: new DependencyNotReady('db') }]);
    expect(err?.message).toMatch(/^db-2 exited with code 1/);
  });

  it('a service with scale 0 gets no container and holds nobody up', async () => {
    const { run, engine } = await runFor(project([service('db', { scale: 0 }), service('web', { dependsOn: dependsOn('db') })]));
    await run.visit('db');
    await run.visit('web');
    expect(engine.calls).toEqual(['create demo-web-1', 'start demo-web-1']);
    expect(run.containerIds.has('db')).toBe(false);
  });
});
