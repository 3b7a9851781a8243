// `up` on a real engine when readiness goes wrong (or right early): a failed one-shot dependency, a rejected
// password, a healthcheck that never passes, and a native probe that beats the healthcheck's first tick.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderError } from '../../src/cli/error-report.js';
import { DevstackError } from '../../src/core/errors.js';
import { LABEL } from '../../src/core/labels.js';
import { docker, realStack, type RealStack } from './support/real-stack.js';

const stacks: RealStack[] = [];

/** A real stack from compose text written to a temp folder; cleaned up after all tests. */
async function stackFrom(composeYaml: string): Promise<RealStack> {
  const source = mkdtempSync(join(tmpdir(), 'dsready-src-'));
  writeFileSync(join(source, 'compose.yaml'), composeYaml);
  try {
    const stack = await realStack(source, 'dsready');
    stacks.push(stack);
    return stack;
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

/** Runs `up` expecting it to fail; returns the error, its rendered report and how long `up` took. */
async function failingUp(stack: RealStack, over: Parameters<RealStack['up']>[0] = {}) {
  const started = Date.now();
  const error = await stack.up(over).then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsedMs = Date.now() - started;
  expect(error).toBeInstanceOf(DevstackError);
  return { error: error as DevstackError, report: renderError(error, false).text, elapsedMs };
}

function containersOf(stack: RealStack, service: string): string {
  return docker(['ps', '-aq', '--filter', `label=${LABEL.project}=${stack.name}`, '--filter', `label=${LABEL.service}=${service}`]);
}

const IDLE = `image: devstack-standin/debian:bookworm
    command: sleep infinity
    init: true`;

afterAll(async () => {
  for (const stack of stacks) await stack.cleanup();
});

describe('up on a real engine: readiness', () => {
  it.each(['service_completed_successfully', 'service_healthy'])(
    'a dependency that exits 1 (%s) fails the up in seconds, naming it, its exit code and who was not started',
    async (condition) => {
      const stack = await stackFrom(`services:
  migrate:
    image: devstack-standin/debian:bookworm
    command: sh -c "echo migrating; exit 1"
  app:
    ${IDLE}
    depends_on:
      migrate:
        condition: ${condition}
`);
      const { error, report, elapsedMs } = await failingUp(stack, { waitTimeoutMs: 120_000 });
      expect(elapsedMs).toBeLessThan(15_000);
      expect(error.kind).toBe('service-failed');
      expect(error.message).toMatch(/^migrate (exited with code 1|finished with exit code 1)/);
      expect(report).toContain('not started because they depend on it: app');
      expect(report).toContain('| migrating');
      expect(report).toContain('hint: Check its log lines above; fix the service and run devstack up again.');
      // Like compose v2, the dependent's container may be created while its dependency is awaited: never started.
      const app = containersOf(stack, 'app');
      if (app !== '') expect(docker(['inspect', '-f', '{{.State.Status}}', app])).toBe('created');
    },
  );

  it('a Postgres volume initialised with another password: the report quotes the server and says what to do, without waiting out the limit', async () => {
    const compose = (password: string) => `services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${password}
      POSTGRES_DB: app
    volumes:
      - pgdata:/var/lib/postgresql/data
    x-devstack: { timeout: 120s }
volumes:
  pgdata: {}
`;
    const stack = await stackFrom(compose('first-secret'));
    await stack.up();
    await stack.down(false);
    writeFileSync(join(stack.dir, 'compose.yaml'), compose('second-secret'));
    expect(readFileSync(join(stack.dir, 'compose.yaml'), 'utf8')).toContain('second-secret');

    const { error, report } = await failingUp(stack);
    // Not a timeout: the answer will not change by waiting, so the wait ends before its 120 s limit.
    expect(error.kind).toBe('service-failed');
    expect(error.message).toMatch(/^db answered password authentication failed for user "app" \(SQLSTATE 28P01/);
    expect(report).toContain('devstack reset-db --from-scratch db');
    expect(report).not.toContain('--wait-timeout');
  });

  it('a healthcheck that never passes: the report says unhealthy and shows the health log', async () => {
    const stack = await stackFrom(`services:
  sick:
    ${IDLE}
    healthcheck:
      test: ["CMD-SHELL", "echo sick-check-output; exit 1"]
      interval: 1s
      retries: 2
`);
    const { error, report, elapsedMs } = await failingUp(stack, { waitTimeoutMs: 120_000 });
    expect(error.kind).toBe('service-failed');
    expect(error.message).toMatch(/^sick is unhealthy after/);
    expect(report).toContain('health log:');
    expect(report).not.toContain('has not passed yet');
    expect(report.split('\n').filter((l) => l.includes('sick-check-output')).length).toBeGreaterThanOrEqual(2);
    expect(elapsedMs).toBeLessThan(30_000);
  });

  it('service_healthy is met by the native Postgres probe long before the 30 s healthcheck tick', async () => {
    const stack = await stackFrom(`services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: secret
      POSTGRES_DB: app
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app -d app"]
      interval: 30s
      timeout: 5s
      retries: 5
  api:
    ${IDLE}
    depends_on:
      db:
        condition: service_healthy
  a-cache:
    ${IDLE}
`);
    const started = Date.now();
    const result = await stack.up();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.services.find((s) => s.service === 'db')?.probe).toMatch(/^postgres SELECT 1/);
    // The engine has not run the healthcheck even once: the dependent was started on the probe's word.
    expect(docker(['inspect', '-f', '{{.State.Health.Status}}', `${stack.name}-db-1`])).toBe('starting');
    expect(docker(['inspect', '-f', '{{.State.Status}}', `${stack.name}-api-1`])).toBe('running');
    // Both were due at once; the start that gates a health wait went first, though a-cache sorts first.
    const startedAt = (service: string) => Date.parse(docker(['inspect', '-f', '{{.State.StartedAt}}', `${stack.name}-${service}-1`]));
    expect(startedAt('db')).toBeLessThan(startedAt('a-cache'));
  });

  it('a one-shot that nobody waits on and that exits 0 lets the up succeed', async () => {
    const stack = await stackFrom(`services:
  seed:
    image: devstack-standin/debian:bookworm
    command: sh -c "echo seeded"
  app:
    ${IDLE}
`);
    const result = await stack.up({ waitTimeoutMs: 60_000 });
    expect(result.services.find((s) => s.service === 'seed')?.probe).toBe('exited 0 (one-shot)');
    expect(docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', `${stack.name}-seed-1`])).toBe('exited 0');
  });

  it('a service seen ready early that exits before up ends fails the up (the final answer re-checks)', async () => {
    const stack = await stackFrom(`services:
  flaky:
    image: devstack-standin/debian:bookworm
    command: sh -c "sleep 1; exit 3"
  gate:
    ${IDLE.replace('command: sleep infinity', 'command: sh -c "sleep 3; touch /tmp/ok; exec sleep infinity"')}
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 500ms
      retries: 30
  app:
    ${IDLE}
    depends_on:
      gate:
        condition: service_healthy
`);
    const { error } = await failingUp(stack, { waitTimeoutMs: 60_000 });
    expect(error.kind).toBe('service-failed');
    expect(error.message).toMatch(/^flaky exited with code 3/);
    expect(stack.events).toContainEqual(expect.objectContaining({ type: 'service', service: 'flaky', phase: 'wait' }));
  });
});
