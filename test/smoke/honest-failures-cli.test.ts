// The built CLI against the real engine: failures that waiting will not fix end `up` at once, named for what they
// are (a crash loop, a refused password), never "project is up" and never "raise --wait-timeout".
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
