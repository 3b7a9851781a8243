import { afterEach, describe, expect, it } from 'vitest';
import { attemptLimitMs, nextAttemptDelayMs } from '../../../src/engine/probes/attempt-schedule.js';
import { READY, type ProbeOutcome } from '../../../src/engine/probes/probe.js';
import {
  CRASH_LOOP_RESTARTS,
  readySpecForCondition,
  REJECTION_SETTLE_MS,
  restartPolicyRestarts,
  waitForService,
  type WaitDeps,
  type WaitRequest,
} from '../../../src/engine/probes/wait-for-service.js';
import { ContainerWatch } from '../../../src/engine/probes/container-watch.js';
import { InMemoryEngine, type ScriptedContainer } from '../fakes/in-memory-engine.js';
import { service } from './probe-service.js';
import { ManualClock } from './manual-clock.js';

const controllers: AbortController[] = [];
afterEach(() => controllers.splice(0).forEach((c) => c.abort()));

function request(fake: ScriptedContainer, overrides: Partial<WaitRequest>): WaitRequest {
  const controller = new AbortController();
  controllers.push(controller);
  return {
    engine: fake.engine,
    project: 'demo',
    service: service({ image: 'app:dev' }),
    containerId: fake.details.id,
    condition: 'service_healthy',
    signal: controller.signal,
    timeoutMs: 5000,
    ...overrides,
  };
}

describe('attempt schedule', () => {
  it('asks every 50 ms for the first second, every 100 ms up to 15 s, then backs off ×1.5 up to 1 s', () => {
    const delays: number[] = [];
    let elapsed = 0;
    let delay = 0;
    while (elapsed < 25_000) {
      delay = nextAttemptDelayMs(elapsed, delay);
      delays.push(delay);
      elapsed += delay;
    }
    expect(delays.slice(0, 20).every((d) => d === 50)).toBe(true);
    expect(delays.slice(20, 160).every((d) => d === 100)).toBe(true);
    expect(delays.slice(160, 168)).toEqual([150, 225, 338, 507, 761, 1000, 1000, 1000]);
    expect(Math.max(...delays)).toBe(1000);
  });
  it('bounds each attempt by 2 s or what is left', () => {
    expect(attemptLimitMs(10_000)).toBe(2000);
    expect(attemptLimitMs(300)).toBe(300);
    expect(attemptLimitMs(-5)).toBe(0);
  });
});

describe('readySpecForCondition', () => {
  it('service_started only needs running; service_healthy uses the image probe even without a healthcheck', () => {
    const pg = service({ image: 'postgres:16' });
    expect(readySpecForCondition('service_started', pg)).toEqual({ kind: 'none' });
    expect(readySpecForCondition('service_healthy', pg)).toEqual({ kind: 'postgres' });
  });
  it('ready: none under service_healthy falls back to the healthcheck', () => {
    const app = service({ image: 'app', devstack: { ready: { kind: 'none' } }, healthcheck: { test: ['CMD', 'true'], disable: false } });
    expect(readySpecForCondition('service_healthy', app)).toEqual({ kind: 'healthcheck' });
  });
});

describe('waitForService with a fake engine, on a manual clock (virtual time: no wall-clock dependence)', () => {
  /** Runs one wait to its end on `clock`, moving virtual time only while the wait sleeps. */
  const wait = (clock: ManualClock, req: WaitRequest, createProbe?: WaitDeps['createProbe']) =>
    clock.run(waitForService(req, { clock, ...(createProbe ? { createProbe } : {}) }));

  it('service_started is ready as soon as the container runs', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({}, () => clock.now());
    const result = await wait(clock, request(fake, { condition: 'service_started' }));
    expect(result).toMatchObject({ ok: true, probe: 'container running', attempts: 1, elapsedMs: 0 });
  });

  it('"running" standing in for healthy asks the container to stay up 100 ms; one that exits at once fails', async () => {
    const clock = new ManualClock();
    const up = InMemoryEngine.withContainer({ startedAt: new Date(clock.now()).toISOString() }, () => clock.now());
    const ok = await wait(clock, request(up, { service: service({ image: 'app' }) }));
    expect(ok).toMatchObject({ ok: true, probe: 'container running', elapsedMs: 100 });

    const crashing = InMemoryEngine.withContainer({ startedAt: new Date(clock.now()).toISOString() }, () => clock.now());
    clock.after(20, () => crashing.exit(1));
    const failed = await wait(clock, request(crashing, { service: service({ image: 'app' }) }));
    // The `die` event ends the pause: the verdict comes at the exit, not at the next tick.
    expect(failed).toMatchObject({ ok: false, reason: 'exited', exitCode: 1, elapsedMs: 20 });
  });

  it('fails with the exit code when the container exits while waiting, at that moment, not at the limit', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({}, () => clock.now());
    const svc = service({ image: 'app', devstack: { ready: { kind: 'log', pattern: 'listening' } } });
    clock.after(300, () => fake.exit(3));
    const result = await wait(clock, request(fake, { service: svc, timeoutMs: 20_000 }));
    expect(result).toMatchObject({ ok: false, reason: 'exited', exitCode: 3, elapsedMs: 300, lastError: 'no log line matches /listening/ yet' });
  });

  it('notices an exit that happened before the wait began (inspect at start)', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ status: 'exited', exitCode: 137 }, () => clock.now());
    const result = await wait(clock, request(fake, { service: service({ image: 'postgres' }) }));
    expect(result).toMatchObject({ ok: false, reason: 'exited', exitCode: 137, elapsedMs: 0 });
  });

  it('times out at the limit with the last probe error', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ health: 'starting' }, () => clock.now());
    const svc = service({ image: 'app', healthcheck: { test: ['CMD', 'false'], disable: false } });
    const result = await wait(clock, request(fake, { service: svc, timeoutMs: 500 }));
    expect(result).toMatchObject({ ok: false, reason: 'timeout', probe: 'engine healthcheck', elapsedMs: 500, lastError: 'healthcheck has not passed yet' });
  });

  it('an attempt that never answers is cut at its 2 s limit, and the wait goes on', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({}, () => clock.now());
    let attempts = 0;
    const hanging: WaitDeps['createProbe'] = () => ({
      probe: { description: 'scripted', attempt: () => (++attempts === 1 ? new Promise(() => {}) : Promise.resolve({ ready: true })) },
    });
    const result = await wait(clock, request(fake, { service: service({ image: 'app', devstack: { ready: { kind: 'tcp', port: 1 } } }) }), hanging);
    expect(result).toMatchObject({ ok: true, probe: 'scripted', attempts: 2 });
    expect(result.elapsedMs).toBe(2000 + 100);
  });

  it('stops when aborted', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ health: 'starting' }, () => clock.now());
    const req = request(fake, { service: service({ image: 'app', healthcheck: { test: ['CMD', 'false'], disable: false } }) });
    clock.after(200, () => controllers[controllers.length - 1]!.abort());
    const result = await wait(clock, req);
    expect(result).toMatchObject({ ok: false, reason: 'aborted', lastError: 'healthcheck has not passed yet', elapsedMs: 200 });
  });

  it('follows health_status events without polling inspect', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ health: 'starting' }, () => clock.now());
    const svc = service({ image: 'app', healthcheck: { test: ['CMD', 'true'], disable: false } });
    clock.after(1500, () => fake.emit({ action: 'health_status: healthy' }));
    const result = await wait(clock, request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: true, probe: 'engine healthcheck', elapsedMs: 1500 });
    // One inspect to open the watch, one to build the probe; none while waiting.
    expect(fake.engine.inspectCount).toBe(2);
    expect(fake.engine.eventSubscriptions).toBe(1);
  });

  it('reports unhealthy with the health log', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ health: 'starting' }, () => clock.now());
    const svc = service({ image: 'app', healthcheck: { test: ['CMD', 'false'], disable: false } });
    clock.after(200, () => {
      fake.details = { ...fake.details, health: 'unhealthy', healthLog: [{ exitCode: 1, output: 'boom\n', at: '' }] };
      fake.emit({ action: 'health_status: unhealthy' });
    });
    const result = await wait(clock, request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: false, reason: 'unhealthy', healthLog: ['boom'], elapsedMs: 200 });
  });

  it('a log pattern becomes ready when the line appears', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({}, () => clock.now());
    const svc = service({ image: 'app', devstack: { ready: { kind: 'log', pattern: 'listening on \\d+' } } });
    fake.log('booting');
    clock.after(300, () => fake.log('listening on 3000'));
    const result = await wait(clock, request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: true, probe: 'log line /listening on \\d+/', elapsedMs: 300 });
  });

  it('service_completed_successfully: exit 0 is success, exit 2 is failed with the code', async () => {
    const clock = new ManualClock();
    const ok = InMemoryEngine.withContainer({}, () => clock.now());
    clock.after(200, () => ok.exit(0));
    expect(await wait(clock, request(ok, { condition: 'service_completed_successfully' }))).toMatchObject({ ok: true, probe: 'exit 0', elapsedMs: 200 });
    const bad = InMemoryEngine.withContainer({}, () => clock.now());
    clock.after(200, () => bad.exit(2));
    expect(await wait(clock, request(bad, { condition: 'service_completed_successfully' }))).toMatchObject({
      ok: false,
      reason: 'failed',
      exitCode: 2,
    });
  });

  it('a healthcheck wait on a container without one fails with a reason, not a timeout', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ health: 'none' }, () => clock.now());
    const svc = service({ image: 'app', healthcheck: { intervalMs: 1000, disable: false } });
    const result = await wait(clock, request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: false, reason: 'failed', elapsedMs: 0 });
    if (!result.ok) expect(result.lastError).toContain('no healthcheck');
  });
});

describe('restarts by the engine are not readiness', () => {
  const wait = (clock: ManualClock, req: WaitRequest) => clock.run(waitForService(req, { clock }));
  const looping = (clock: ManualClock, restart: string) => {
    const fake = InMemoryEngine.withContainer({ startedAt: new Date(clock.now()).toISOString() }, () => clock.now());
    // Docker's backoff: 100 ms, 200 ms, 400 ms… between an exit and the next start; the process dies after 30 ms.
    let at = 30;
    for (let restart = 0; restart < 6; restart++) {
      clock.after(at, () => fake.crashAndRestart(1));
      at += 100 * 2 ** restart;
      clock.after(at, () => fake.start());
      at += 30;
    }
    return { fake, req: request(fake, { service: service({ image: 'app', restart }) }) };
  };

  it.each(['always', 'unless-stopped', 'on-failure'])('restart: %s, a process that exits at once: a crash loop after 3 restarts', async (policy) => {
    const clock = new ManualClock();
    const { req } = looping(clock, policy);
    const result = await wait(clock, req);
    expect(result).toMatchObject({ ok: false, reason: 'restarting', restarts: CRASH_LOOP_RESTARTS, exitCode: 1, restartPolicy: policy });
    expect(result.elapsedMs).toBe(30 + 100 + 30 + 200 + 30);
  });

  it('a container found restarting with 3 restarts behind it is a crash loop at once', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ status: 'restarting', restartCount: 3, exitCode: 2 }, () => clock.now());
    const result = await wait(clock, request(fake, { service: service({ image: 'app', restart: 'always' }) }));
    expect(result).toMatchObject({ ok: false, reason: 'restarting', restarts: 3, exitCode: 2, elapsedMs: 0 });
  });

  it('one crash while a dependency comes up is tolerated, but it must then stay up 1 s, not 100 ms', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ startedAt: new Date(clock.now()).toISOString() }, () => clock.now());
    clock.after(30, () => fake.crashAndRestart(1));
    clock.after(130, () => fake.start());
    const result = await wait(clock, request(fake, { service: service({ image: 'app', restart: 'on-failure' }) }));
    expect(result).toMatchObject({ ok: true, probe: 'container running', restartCount: 1 });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(130 + 1000);
    expect(result.elapsedMs).toBeLessThan(130 + 1000 + 100);
  });

  it('without a restart policy, an exit is final', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({ startedAt: new Date(clock.now()).toISOString() }, () => clock.now());
    clock.after(30, () => fake.exit(1));
    expect(await wait(clock, request(fake, { service: service({ image: 'app' }) }))).toMatchObject({ ok: false, reason: 'exited', exitCode: 1 });
  });

  it.each<[string | undefined, number | null, boolean]>([
    ['always', 0, true],
    ['unless-stopped', 1, true],
    ['on-failure', 1, true],
    ['on-failure:3', 1, true],
    ['on-failure', 0, false],
    ['no', 1, false],
    [undefined, 1, false],
  ])('restart: %s, exit %s → restarted: %s', (restart, code, restarted) => {
    expect(restartPolicyRestarts(restart, code)).toBe(restarted);
  });
});

describe('answers that waiting will not change', () => {
  const scripted = (answers: ProbeOutcome[]): WaitDeps['createProbe'] => () => {
    let next = 0;
    return { probe: { description: 'postgres (scripted)', attempt: async () => answers[Math.min(next++, answers.length - 1)] as ProbeOutcome } };
  };
  const refused: ProbeOutcome = { ready: false, reason: 'password authentication failed (SQLSTATE 28P01)', rejected: { hint: 'reset-db --from-scratch' } };
  const req = (fake: ScriptedContainer) => request(fake, { service: service({ image: 'postgres:16' }), timeoutMs: 300_000 });

  it('a rejection given on every attempt for 2 s ends the wait then, with its hint, not at the limit', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({}, () => clock.now());
    const result = await clock.run(waitForService(req(fake), { clock, createProbe: scripted([refused]) }));
    expect(result).toMatchObject({ ok: false, reason: 'rejected', lastError: refused.ready ? '' : refused.reason, hint: 'reset-db --from-scratch' });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(REJECTION_SETTLE_MS);
    expect(result.elapsedMs).toBeLessThan(REJECTION_SETTLE_MS + 200);
  });

  it('a rejection that gives way (a server still setting itself up) does not end the wait', async () => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({}, () => clock.now());
    const answers = [refused, refused, refused, { ready: false, reason: 'connection refused' } as ProbeOutcome, ...Array<ProbeOutcome>(10).fill(refused), READY];
    const result = await clock.run(waitForService(req(fake), { clock, createProbe: scripted(answers) }));
    expect(result).toMatchObject({ ok: true, probe: 'postgres (scripted)', attempts: answers.length });
  });
});

describe('ContainerWatch.wakeOnOutput (manual clock)', () => {
  const pauseWithLineAt50ms = async (wake: boolean, pauseMs: number): Promise<number> => {
    const clock = new ManualClock();
    const fake = InMemoryEngine.withContainer({}, () => clock.now());
    const watch = await clock.run(ContainerWatch.open(fake.engine, 'demo', 'c0ffee', new AbortController().signal, clock));
    try {
      if (wake) watch.wakeOnOutput();
      clock.after(50, () => fake.log('listening on 5432'));
      const started = clock.now();
      await clock.run(watch.changeOrDelay(pauseMs, new AbortController().signal));
      return clock.now() - started;
    } finally {
      watch.close();
    }
  };

  it('a line from the container ends a pause early', async () => {
    expect(await pauseWithLineAt50ms(true, 5_000)).toBe(50);
  });

  it('without it, output does not shorten the pause', async () => {
    expect(await pauseWithLineAt50ms(false, 300)).toBe(300);
  });
});
