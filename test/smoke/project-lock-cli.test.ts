// One project, several devstack runs (built CLI, real engine; fails without one): runs of `up`/`down` on one
// project take turns, a duplicate project network left by a crash is healed, and a network or volume of the
// project's name made outside it is used with a warning and left alone by `down`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { BIN, devstack } from './support/cli.js';

const projects: string[] = [];
const dirs: string[] = [];
const foreign: { kind: 'network' | 'volume'; name: string }[] = [];
const stateDir = mkdtempSync(join(tmpdir(), 'dslock-state-'));
const env = { DEVSTACK_STATE_DIR: stateDir };

const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

function stackDir(compose: string): { dir: string; name: string } {
  const name = `dslock${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  projects.push(name);
  dirs.push(dir);
  return { dir, name };
}

/** The built CLI as a child; resolves with its exit code and output. */
function run(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Creates a network through the engine API without its duplicate-name check (as racing creates end up). */
function createNetworkAllowingDuplicates(name: string, labels: Record<string, string>): string {
  const body = JSON.stringify({ Name: name, CheckDuplicate: false, Labels: labels });
  const out = execFileSync('curl', ['-sf', '--unix-socket', '/var/run/docker.sock', '-H', 'Content-Type: application/json', '-d', body, 'http://engine/networks/create'], { encoding: 'utf8' });
  return (JSON.parse(out) as { Id: string }).Id;
}

const networksNamed = (name: string) => docker(['network', 'ls', '-q', '--filter', `name=^${name}$`]).split('\n').filter(Boolean);

afterAll(() => {
  for (const name of projects) {
    const label = `label=${LABEL.project}=${name}`;
    for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
    for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
    for (const id of docker(['volume', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['volume', 'rm', id]);
  }
  for (const f of foreign) execFileSync('docker', [f.kind, 'rm', f.name], { stdio: 'ignore' });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('one project, several runs (built CLI, real engine)', () => {
  it('two `up` started together: one creates the stack, the other waits for it (saying who holds the project) and keeps it', async () => {
    docker(['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
    const { dir, name } = stackDir(
      'services:\n  db:\n    image: postgres:16-alpine\n    environment: { POSTGRES_PASSWORD: pw }\n    ports: ["55432:5432"]\n',
    );
    const [a, b] = await Promise.all([run(['up', '-p', name, '--json'], dir), run(['up', '-p', name, '--json'], dir)]);
    expect(a.status, a.stderr + a.stdout).toBe(0);
    expect(b.status, b.stderr + b.stdout).toBe(0);
    const resultOf = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as { type: string; services: { service: string; action: string }[] };
    const actions = [a, b].map((r) => resultOf(r.stdout).services.find((s) => s.service === 'db')!.action).sort();
    expect(actions).toEqual(['create', 'keep']);
    const loser = [a, b].find((r) => resultOf(r.stdout).services[0]!.action === 'keep')!;
    const busy = loser.stdout.split('\n').filter((l) => l.includes('is busy'));
    expect(busy).toHaveLength(1);
    expect(busy[0]).toMatch(new RegExp(`project ${name} is busy: \`devstack up -p ${name} --json\` \\(pid \\d+\\) holds it since \\d\\d:\\d\\d:\\d\\d UTC`));
    expect(docker(['ps', '-aq', '--filter', `label=${LABEL.project}=${name}`]).split('\n').filter(Boolean)).toHaveLength(1);
    expect(networksNamed(`${name}_default`)).toHaveLength(1);
    const down = run(['down', '-p', name], dir);
    expect((await down).status).toBe(0);
  });

  it('heals a duplicate project network a crash left behind: keeps one, removes the empty copy, says so', () => {
    const { dir, name } = stackDir('services:\n  app:\n    image: devstack-standin/debian:bookworm\n    command: ["sleep", "infinity"]\n    stop_grace_period: 1s\n');
    const labels = { [LABEL.project]: name, [LABEL.network]: 'default', 'com.docker.compose.version': '2.0.0' };
    const first = createNetworkAllowingDuplicates(`${name}_default`, labels);
    const second = createNetworkAllowingDuplicates(`${name}_default`, labels);
    expect(networksNamed(`${name}_default`)).toHaveLength(2);
    const up = devstack(['up', '-p', name], { cwd: dir, env });
    expect(up.status, up.stderr).toBe(0);
    expect(up.stderr).toContain(`network ${name}_default existed 2 times`);
    expect(up.stderr).toContain(`kept ${first.slice(0, 12)} (the oldest), removed the empty ${second.slice(0, 12)}`);
    expect(networksNamed(`${name}_default`).map((id) => first.startsWith(id))).toEqual([true]);
    const down = devstack(['down', '-p', name], { cwd: dir, env });
    expect(down.status, down.stderr).toBe(0);
    expect(networksNamed(`${name}_default`)).toHaveLength(0);
  });

  it('uses a network and a volume of the project\'s names made outside it with one line each; down leaves them', () => {
    const { dir, name } = stackDir(
      'services:\n  app:\n    image: devstack-standin/debian:bookworm\n    command: ["sleep", "infinity"]\n    stop_grace_period: 1s\n    volumes: ["data:/data"]\nvolumes:\n  data: {}\n',
    );
    docker(['network', 'create', `${name}_default`]);
    foreign.push({ kind: 'network', name: `${name}_default` });
    docker(['volume', 'create', `${name}_data`]);
    foreign.push({ kind: 'volume', name: `${name}_data` });
    const up = devstack(['up', '-p', name], { cwd: dir, env });
    expect(up.status, up.stderr).toBe(0);
    const warnings = up.stderr.split('\n').filter((l) => l.includes('already exists'));
    expect(warnings).toEqual([
      expect.stringContaining(`warning: network ${name}_default already exists and was not created by devstack or compose; using it as it is`),
      expect.stringContaining(`warning: volume ${name}_data already exists and was not created by devstack or compose; using it as it is`),
    ]);
    const down = devstack(['down', '-p', name, '--volumes', '--yes'], { cwd: dir, env });
    expect(down.status, down.stderr).toBe(0);
    expect(networksNamed(`${name}_default`)).toHaveLength(1);
    expect(docker(['volume', 'ls', '-q', '--filter', `name=^${name}_data$`])).toBe(`${name}_data`);
  });
});
