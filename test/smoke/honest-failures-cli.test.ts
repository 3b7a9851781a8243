// The built CLI against the real engine: failures that waiting will not fix end `up` at once, named for what they
// are (a crash loop, a refused password), never "project is up" and never "raise --wait-timeout".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devstack } from './support/cli.js';
import { cliStacks, docker } from './support/stacks.js';

const { stateDir, stackDir, cleanup } = cliStacks('dshonest');
const env = { DEVSTACK_STATE_DIR: stateDir };

afterAll(cleanup);

describe('a crash-looping service fails up (built CLI, real engine)', () => {
  it.each(['unless-stopped', 'always', 'on-failure'])('restart: %s, a command that exits 1 at once', (policy) => {
    const { dir, name } = stackDir(
      `services:\n  loop:\n    image: devstack-standin/debian:bookworm\n    command: sh -c "echo boom-${policy}; exit 1"\n    restart: ${policy}\n`,
    );
    const up = devstack(['up', '-p', name, '--wait-timeout', '60'], { cwd: dir, env });
    expect(up.status, up.stdout + up.stderr).toBe(1);
    expect(up.stdout).not.toContain('is up');
    expect(up.stderr).toMatch(new RegExp(`error: loop is crash-looping: the engine restarted it \\d+ times \\(restart: ${policy}\\), last exit code 1`));
    expect(up.stderr).toContain(`| boom-${policy}`);
    expect(up.stderr).not.toContain('--wait-timeout');
    const restarts = Number(docker(['inspect', '--format', '{{.RestartCount}}', `${name}-loop-1`]));
    expect(restarts).toBeGreaterThanOrEqual(3);
  });
});

describe('answers that waiting will not change end up at once (built CLI, real engine)', () => {
  const postgres = (password: string) =>
    `services:\n  db:\n    image: postgres:16-alpine\n    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: ${password} }\n    volumes: [data:/var/lib/postgresql/data]\nvolumes:\n  data: {}\n`;

  it('a password changed after the volume was initialised (SQLSTATE 28P01) fails with what to do, not a timeout', () => {
    const { dir, name } = stackDir(postgres('first'));
    const first = devstack(['up', '-p', name], { cwd: dir, env });
    expect(first.status, first.stderr).toBe(0);
    expect(devstack(['down', '-p', name, '-t', '5'], { cwd: dir, env }).status).toBe(0);

    writeFileSync(join(dir, 'compose.yaml'), postgres('second'));
    const again = devstack(['up', '-p', name, '--wait-timeout', '120'], { cwd: dir, env });
    expect(again.status, again.stderr).toBe(1);
    expect(again.stderr).toContain('error: db answered password authentication failed for user "app" (SQLSTATE 28P01');
    expect(again.stderr).toContain('waiting will not change that');
    expect(again.stderr).toContain('devstack reset-db --from-scratch db');
    expect(again.stderr).toContain('devstack down -v');
    expect(again.stderr).not.toContain('--wait-timeout');
    console.log(`28P01 case: up exited ${again.status} after ${again.ms} ms (first up: ${first.ms} ms)`);
  });

  it('a postgres image run as a client through entrypoint: is not probed as a server', () => {
    const { dir, name } = stackDir(
      'services:\n  client:\n    image: postgres:16-alpine\n    entrypoint: ["sh", "-c"]\n    command: ["echo psql would run here; exec sleep infinity"]\n',
    );
    const up = devstack(['up', '-p', name, '--json', '--wait-timeout', '30'], { cwd: dir, env });
    expect(up.status, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout.trim().split('\n').at(-1) as string) as { services: { service: string; probe: string }[] };
    expect(result.services).toEqual([expect.objectContaining({ service: 'client', probe: 'container running' })]);
  });
});
