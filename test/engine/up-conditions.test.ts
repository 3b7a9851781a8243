// depends_on conditions, `up SERVICE`, and orphans, on a real engine.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { docker, realStack, type RealStack } from './support/real-stack.js';

const COMPOSE = `services:
  cache:
    image: redis:7-alpine
  migrate:
    image: redis:7-alpine
    command: ["sh", "-c", "echo migrated; exit 0"]
  app:
    image: redis:7-alpine
    command: ["sh", "-c", "redis-cli -h cache ping && exec sleep infinity"]
    stop_grace_period: 1s
    depends_on:
      cache: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
  extra:
    image: redis:7-alpine
`;

describe('up on a real engine: conditions, selection, orphans', () => {
  let stack: RealStack;
  const source = mkdtempSync(join(tmpdir(), 'dscond-src-'));

  beforeAll(async () => {
    writeFileSync(join(source, 'compose.yaml'), COMPOSE);
    stack = await realStack(source, 'dscond');
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it('up SERVICE starts it and what it depends on, after a one-shot dependency completed', async () => {
    const result = await stack.up({ services: ['app'] });
    expect(result.services.map((s) => s.service).sort()).toEqual(['app', 'cache', 'migrate']);
    expect(result.services.find((s) => s.service === 'migrate')?.probe).toBe('exit 0');
    expect(docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', `${stack.name}-migrate-1`])).toBe('exited 0');
    expect(docker(['inspect', '-f', '{{.State.Status}}', `${stack.name}-app-1`])).toBe('running');
    const migratedAt = Date.parse(docker(['inspect', '-f', '{{.State.FinishedAt}}', `${stack.name}-migrate-1`]));
    const appStartedAt = Date.parse(docker(['inspect', '-f', '{{.State.StartedAt}}', `${stack.name}-app-1`]));
    expect(migratedAt).toBeLessThanOrEqual(appStartedAt);
    expect(docker(['ps', '-aq', '--filter', `label=${LABEL.service}=extra`, '--filter', `label=${LABEL.project}=${stack.name}`])).toBe('');
  });

  it('keeps an orphan with a warning, and removes it with --remove-orphans', async () => {
    await stack.up();
    writeFileSync(join(stack.dir, 'compose.yaml'), COMPOSE.replace(/ {2}extra:\n {4}image: redis:7-alpine\n/, ''));
    stack.events.length = 0;
    await stack.up();
    expect(stack.events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn', message: expect.stringContaining(`orphan container ${stack.name}-extra-1`) }));
    expect(docker(['inspect', '-f', '{{.State.Status}}', `${stack.name}-extra-1`])).toBe('running');
    await stack.up({ removeOrphans: true });
    expect(docker(['ps', '-aq', '--filter', `name=${stack.name}-extra-1`])).toBe('');
  });
});
