// The built CLI against the real engine: a compose file written the way compose v2 accepts it but the loader
// used to refuse (several documents, values cast after interpolation, a lone $, braces in a default,
// COMPOSE_PROJECT_NAME from name:, extends from a file with a broken service elsewhere) comes up as written.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from './support/cli.js';

const name = `dsforms${Math.random().toString(36).slice(2, 8)}`;
const dir = mkdtempSync(join(tmpdir(), `${name}-`));
const stateDir = mkdtempSync(join(tmpdir(), 'dsforms-state-'));
const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

afterAll(() => {
  const label = `label=${LABEL.project}=${name}`;
  for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
  for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  for (const id of docker(['volume', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['volume', 'rm', id]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('compose forms the current spec accepts (built CLI, real engine)', () => {
  it('brings them up as written', () => {
    writeFileSync(
      join(dir, 'compose.yaml'),
      [
        `name: ${name}`,
        'services:',
        '  app:',
        '    extends: { file: base.yaml, service: base }',
        '    tty: $FLAG',
        '    init: yes',
        '    command: sh -c \'echo started $(date +%s); exec sleep 600\'',
        '    stop_grace_period: 1s',
        '    environment:',
        '      J: \'${JSON:-{"json":1}}\'',
        '      PROJECT: ${COMPOSE_PROJECT_NAME}',
        '      PATTERN: ^v[0-9]+$',
        '---',
        'services:',
        '  app:',
        '    labels: { from.second.document: "yes" }',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'base.yaml'), 'services:\n  base:\n    image: node:20-alpine\n    restart: "no"\n  unfinished:\n');
    writeFileSync(join(dir, '.env'), 'FLAG=on\n');

    const up = devstack(['up'], { cwd: dir, env: { DEVSTACK_STATE_DIR: stateDir } });
    expect(up.status, up.stderr).toBe(0);

    const id = docker(['ps', '-q', '--filter', `label=${LABEL.project}=${name}`]);
    expect(id).not.toBe('');
    const [inspect] = JSON.parse(docker(['inspect', id])) as {
      Config: { Tty: boolean; Cmd: string[]; Env: string[]; Labels: Record<string, string> };
      HostConfig: { Init: boolean };
    }[];
    expect(inspect!.Config.Tty).toBe(true);
    expect(inspect!.HostConfig.Init).toBe(true);
    expect(inspect!.Config.Cmd).toEqual(['sh', '-c', 'echo started $(date +%s); exec sleep 600']);
    expect(inspect!.Config.Env).toEqual(expect.arrayContaining(['J={"json":1}', `PROJECT=${name}`, 'PATTERN=^v[0-9]+$']));
    expect(inspect!.Config.Labels['from.second.document']).toBe('yes');
    expect(docker(['logs', id])).toMatch(/^started \d+/);
  });
});
