// The built CLI against the real engine: up / ps / down with --json, and Ctrl-C during up.
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack, devstackChild } from './support/cli.js';
import { cliStacks, docker } from './support/stacks.js';

const { stateDir, stackDir, cleanup } = cliStacks('dscli');

afterAll(cleanup);

describe('devstack up / ps / down (built CLI, real engine)', () => {
  it('brings a stack up with NDJSON progress, lists it, and takes it down', () => {
    const { dir, name } = stackDir('services:\n  cache:\n    image: redis:7-alpine\n    ports: ["6379"]\n  worker:\n    image: redis:7-alpine\n    command: ["sleep", "infinity"]\n    depends_on: { cache: { condition: service_healthy } }\n');
    const env = { DEVSTACK_STATE_DIR: stateDir };
    const up = devstack(['up', '-p', name, '--json'], { cwd: dir, env });
    expect(up.status, up.stderr).toBe(0);
    const lines = up.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const result = lines.at(-1) as { type: string; services: { service: string; probe: string }[] };
    expect(result.type).toBe('result');
    expect(result.services.find((s) => s.service === 'cache')?.probe).toMatch(/^redis PING/);
    const phases = lines.filter((l) => l.type === 'service').map((l) => `${String(l.service)} ${String(l.phase)}`);
    expect(phases.indexOf('cache ready')).toBeGreaterThan(-1);
    expect(phases.indexOf('worker start')).toBeGreaterThan(phases.indexOf('cache start'));

    const ps = devstack(['ps', '-p', name, '--json'], { cwd: dir, env });
    const rows = JSON.parse(ps.stdout) as { service: string; state: string; ports: { hostIp: string }[] }[];
    expect(rows.map((r) => `${r.service} ${r.state}`)).toEqual(['cache running', 'worker running']);
    expect(rows[0]?.ports[0]?.hostIp).toBe('127.0.0.1');

    const table = devstack(['ps', '-p', name], { cwd: dir, env });
    expect(table.stdout.split('\n')[0]).toMatch(/^SERVICE\s+CONTAINER\s+STATE\s+HEALTH\s+PORTS$/);

    const down = devstack(['down', '-p', name, '-t', '1'], { cwd: dir, env });
    expect(down.status, down.stderr).toBe(0);
    expect(down.stdout).toContain(`project ${name}: removed 2 containers, 1 networks, 0 volumes`);
    expect(docker(['ps', '-aq', '--filter', `label=${LABEL.project}=${name}`])).toBe('');
  });

  it('down --volumes without a terminal needs --yes and keeps the data until then', () => {
    const { dir, name } = stackDir('services:\n  cache:\n    image: redis:7-alpine\n    volumes: [data:/data]\nvolumes:\n  data: {}\n');
    expect(devstack(['up', '-p', name], { cwd: dir, env: { DEVSTACK_STATE_DIR: stateDir } }).status).toBe(0);
    const refused = devstack(['down', '-p', name, '--volumes'], { cwd: dir });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(docker(['volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${name}`])).toBe(`${name}_data`);
    expect(devstack(['down', '-p', name, '--volumes', '--yes'], { cwd: dir }).status).toBe(0);
    expect(docker(['volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${name}`])).toBe('');
  });

  it('Ctrl-C during up stops what it started and exits 130 within 10 s', async () => {
    const { dir, name } = stackDir('services:\n  stuck:\n    image: redis:7-alpine\n    command: ["sleep", "infinity"]\n    x-devstack: { ready: "log:never printed" }\n');
    const child = devstackChild(['up', '-p', name, '--json'], dir);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const waiting = Date.now();
    while (!out.includes('"phase":"wait"')) {
      if (Date.now() - waiting > 60_000) throw new Error(`up never reached the wait phase:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(out).toContain('interrupted');
    expect(docker(['inspect', '-f', '{{.State.Status}}', `${name}-stuck-1`])).toBe('exited');
  });
});
