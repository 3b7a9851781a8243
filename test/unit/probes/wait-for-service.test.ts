import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { attemptLimitMs, nextAttemptDelayMs } from '../../../src/engine/probes/attempt-schedule.js';
import { readySpecForCondition, waitForService, type WaitRequest } from '../../../src/engine/probes/wait-for-service.js';
import { ContainerWatch } from '../../../src/engine/probes/container-watch.js';
import { FakeEngine, service } from './fake-engine.js';

/** A localhost port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const controllers: AbortController[] = [];
afterEach(() => controllers.splice(0).forEach((c) => c.abort()));

function request(fake: FakeEngine, overrides: Partial<WaitRequest>): WaitRequest {
  const controller = new AbortController();
  controllers.push(controller);
  return {
    engine: fake.asEngine(),
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

describe('waitForService with a fake engine', () => {
  it('service_started is ready as soon as the container runs', async () => {
    const fake = new FakeEngine();
    const result = await waitForService(request(fake, { condition: 'service_started' }));
    expect(result).toMatchObject({ ok: true, probe: 'container running', attempts: 1 });
  });

  it('"running" standing in for healthy asks the container to stay up 100 ms; one that exits at once fails', async () => {
    const up = new FakeEngine({ startedAt: new Date().toISOString() });
    const ok = await waitForService(request(up, { service: service({ image: 'app' }) }));
    expect(ok).toMatchObject({ ok: true, probe: 'container running' });
    expect(ok.elapsedMs).toBeGreaterThanOrEqual(80);

    const crashing = new FakeEngine({ startedAt: new Date().toISOString() });
    setTimeout(() => crashing.exit(1), 20);
    const failed = await waitForService(request(crashing, { service: service({ image: 'app' }) }));
    expect(failed).toMatchObject({ ok: false, reason: 'exited', exitCode: 1 });
  });

  it('fails fast with the exit code when the container exits while waiting', async () => {
    const port = await closedPort();
    const fake = new FakeEngine();
    const svc = service({ image: 'app', devstack: { ready: { kind: 'tcp', port } } });
    setTimeout(() => fake.exit(3), 300);
    const result = await waitForService(request(fake, { service: svc, timeoutMs: 20_000 }));
    expect(result).toMatchObject({ ok: false, reason: 'exited', exitCode: 3 });
    expect(result.elapsedMs).toBeLessThan(2000);
    if (!result.ok) expect(result.lastError).toContain('refused');
  });

  it('notices an exit that happened before the wait began (inspect at start)', async () => {
    const fake = new FakeEngine({ status: 'exited', exitCode: 137 });
    const result = await waitForService(request(fake, { service: service({ image: 'postgres' }) }));
    expect(result).toMatchObject({ ok: false, reason: 'exited', exitCode: 137 });
  });

  it('times out with the last probe error', async () => {
    const port = await closedPort();
    const fake = new FakeEngine();
    const svc = service({ image: 'app', devstack: { ready: { kind: 'tcp', port } } });
    const result = await waitForService(request(fake, { service: svc, timeoutMs: 500 }));
    expect(result).toMatchObject({ ok: false, reason: 'timeout', probe: `tcp connect 127.0.0.1:${port}` });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(500);
    expect(result.elapsedMs).toBeLessThan(1500);
    if (!result.ok) expect(result.lastError).toBe(`connection refused at 127.0.0.1:${port}`);
  });

  it('stops when aborted', async () => {
    const fake = new FakeEngine({ health: 'starting' });
    const req = request(fake, { service: service({ image: 'app', healthcheck: { test: ['CMD', 'false'], disable: false } }) });
    setTimeout(() => controllers[controllers.length - 1]!.abort(), 200);
    const result = await waitForService(req);
    expect(result).toMatchObject({ ok: false, reason: 'aborted', lastError: 'healthcheck has not passed yet' });
    expect(result.elapsedMs).toBeLessThan(1000);
  });

  it('follows health_status events without polling inspect', async () => {
    const fake = new FakeEngine({ health: 'starting' });
    const svc = service({ image: 'app', healthcheck: { test: ['CMD', 'true'], disable: false } });
    setTimeout(() => fake.emit({ action: 'health_status: healthy' }), 1500);
    const result = await waitForService(request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: true, probe: 'engine healthcheck' });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1500);
    // One inspect to open the watch, one to build the probe; none while waiting.
    expect(fake.inspectCount).toBe(2);
    expect(fake.eventSubscriptions).toBe(1);
  });

  it('reports unhealthy with the health log', async () => {
    const fake = new FakeEngine({ health: 'starting' });
    const svc = service({ image: 'app', healthcheck: { test: ['CMD', 'false'], disable: false } });
    setTimeout(() => {
      fake.details = { ...fake.details, health: 'unhealthy', healthLog: [{ exitCode: 1, output: 'boom\n', at: '' }] };
      fake.emit({ action: 'health_status: unhealthy' });
    }, 200);
    const result = await waitForService(request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: false, reason: 'unhealthy', healthLog: ['boom'] });
  });

  it('a log pattern becomes ready when the line appears', async () => {
    const fake = new FakeEngine();
    const svc = service({ image: 'app', devstack: { ready: { kind: 'log', pattern: 'listening on \\d+' } } });
    fake.log('booting');
    setTimeout(() => fake.log('listening on 3000'), 300);
    const result = await waitForService(request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: true, probe: 'log line /listening on \\d+/' });
  });

  it('service_completed_successfully: exit 0 is success, exit 2 is failed with the code', async () => {
    const ok = new FakeEngine();
    setTimeout(() => ok.exit(0), 200);
    expect(await waitForService(request(ok, { condition: 'service_completed_successfully' }))).toMatchObject({ ok: true, probe: 'exit 0' });
    const bad = new FakeEngine();
    setTimeout(() => bad.exit(2), 200);
    expect(await waitForService(request(bad, { condition: 'service_completed_successfully' }))).toMatchObject({
      ok: false,
      reason: 'failed',
      exitCode: 2,
    });
  });

  it('a healthcheck wait on a container without one fails with a reason, not a timeout', async () => {
    const fake = new FakeEngine({ health: 'none' });
    const svc = service({ image: 'app', healthcheck: { intervalMs: 1000, disable: false } });
    const result = await waitForService(request(fake, { service: svc }));
    expect(result).toMatchObject({ ok: false, reason: 'failed' });
    if (!result.ok) expect(result.lastError).toContain('no healthcheck');
  });
});

describe('ContainerWatch.wakeOnOutput', () => {
  const pauseWithLineAt50ms = async (wake: boolean, pauseMs: number): Promise<number> => {
    const fake = new FakeEngine();
    const watch = await ContainerWatch.open(fake.asEngine(), 'demo', 'c0ffee', new AbortController().signal);
    try {
      if (wake) watch.wakeOnOutput();
      setTimeout(() => fake.log('listening on 5432'), 50);
      const started = Date.now();
      await watch.changeOrDelay(pauseMs, new AbortController().signal);
      return Date.now() - started;
    } finally {
      watch.close();
    }
  };

  it('a line from the container ends a pause early', async () => {
    expect(await pauseWithLineAt50ms(true, 5_000)).toBeLessThan(1_000);
  });

  it('without it, output does not shorten the pause', async () => {
    expect(await pauseWithLineAt50ms(false, 300)).toBeGreaterThanOrEqual(290);
  });
});
