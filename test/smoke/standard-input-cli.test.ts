// The built CLI with `-f -`: a compose file piped in, as `docker compose -f - up` takes it. `config` shows it with
// paths from the working directory, a YAML error in it reads stdin:LINE:COL, and on the real engine `up` then
// `down` a one-service project (with an override file after it) from the piped text.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { apiVersionAtLeast } from '../../src/engine/docker/docker-engine.js';
import { devstack } from './support/cli.js';

const name = `dsstdin${Math.random().toString(36).slice(2, 8)}`;
const dir = realpathSync(mkdtempSync(join(tmpdir(), `${name}-`)));
const stateDir = mkdtempSync(join(tmpdir(), 'dsstdin-state-'));
const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const label = `label=${LABEL.project}=${name}`;

afterAll(() => {
  for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
  for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('-f - (built CLI)', () => {
  it('config: the piped file, its paths from the working directory, the project named after it', () => {
    const r = devstack(['config', '-f', '-'], { cwd: dir, input: 'services:\n  web:\n    image: redis:7-alpine\n    volumes: ["./data:/data"]\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`name: ${basename(dir).toLowerCase()}\n`); // the folder's name, lowercased as compose does
    expect(r.stdout).toContain(`source: ${join(dir, 'data')}\n`);
    // --project-directory moves where its paths resolve from, and the project's name.
    mkdirSync(join(dir, 'site'));
    const moved = devstack(['config', '-f', '-', '--project-directory', 'site'], { cwd: dir, input: 'services:\n  web:\n    image: redis:7-alpine\n    volumes: ["./data:/data"]\n' });
    expect(moved.status, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('name: site\n');
    expect(moved.stdout).toContain(`source: ${join(dir, 'site', 'data')}\n`);
  });

  it('a YAML error in the piped file is located at stdin:LINE:COL (exit 3)', () => {
    const r = devstack(['config', '-f', '-'], { cwd: dir, input: 'services:\n  web:\n    image: redis:7-alpine\n   ports: [\n' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^error: stdin:4:\d+: YAML syntax error: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('up then down on the real engine, with an override file after it', () => {
    writeFileSync(join(dir, 'override.yaml'), 'services:\n  cache:\n    labels: { from.override: "yes" }\n');
    writeFileSync(join(dir, 'cache.labels'), 'from.label_file=yes\n');
    // label_file's relative path resolves from the working directory, as every path of a piped file does.
    const piped = `name: ${name}\nservices:\n  cache:\n    image: redis:7-alpine\n    stop_grace_period: 1s\n    label_file: ./cache.labels\nnetworks:\n  default:\n    enable_ipv4: false\n`;
    const files = ['-f', '-', '-f', 'override.yaml'];
    const up = devstack(['up', ...files], { cwd: dir, input: piped, env: { DEVSTACK_STATE_DIR: stateDir } });
    expect(up.status, up.stderr).toBe(0);
    // Warnings about the piped file point into it; an engine before API 1.48 cannot make a network without IPv4.
    const api = docker(['version', '--format', '{{.Server.APIVersion}}']);
    const ipv4 = `stdin:9:5: networks.default.enable_ipv4 is not applied: the engine's API ${api} predates it (needs 1.48)`;
    if (apiVersionAtLeast(api, '1.48')) expect(up.stdout + up.stderr).not.toContain('enable_ipv4');
    else expect(up.stdout + up.stderr).toContain(ipv4);
    const id = docker(['ps', '-q', '--filter', label, '--filter', 'status=running']);
    expect(id).not.toBe('');
    const [inspect] = JSON.parse(docker(['inspect', id])) as { Config: { Labels: Record<string, string> } }[];
    expect(inspect!.Config.Labels).toMatchObject({ [LABEL.service]: 'cache', 'from.override': 'yes', 'from.label_file': 'yes' });

    const down = devstack(['down', ...files], { cwd: dir, input: piped, env: { DEVSTACK_STATE_DIR: stateDir } });
    expect(down.status, down.stderr).toBe(0);
    expect(docker(['ps', '-aq', '--filter', label])).toBe('');
    expect(docker(['network', 'ls', '-q', '--filter', label])).toBe('');
  });
});
