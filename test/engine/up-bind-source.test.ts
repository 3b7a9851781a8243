// A bind mount whose host folder is missing (a fresh clone with `data/` git-ignored), through the built CLI on the
// real engine: the folder is created, as compose does (`create_host_path`, the default); the long syntax with
// `bind.create_host_path: false` fails as a compose-file error (exit 3) located at that volume entry.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from '../smoke/support/cli.js';
import { docker, uniqueName } from './support/real-stack.js';

const TIMEOUT = 240_000;
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function project(compose: string): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dsbind-'));
  const name = uniqueName('dsbind');
  writeFileSync(join(dir, 'compose.yaml'), compose);
  cleanups.push(() => {
    const label = `label=${LABEL.project}=${name}`;
    for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
    for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, name };
}

describe('bind mount with a missing host folder (real engine, built CLI)', () => {
  it('short syntax, and long syntax without create_host_path: the folder is created and mounted', () => {
    const { dir, name } = project(`services:
  app:
    image: redis:7-alpine
    volumes:
      - ./data/cache:/data
      - type: bind
        source: ./logs
        target: /logs
`);
    expect(existsSync(join(dir, 'data'))).toBe(false);
    const r = devstack(['up', '-p', name], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(join(dir, 'data', 'cache')).isDirectory()).toBe(true);
    docker(['exec', `${name}-app-1`, 'touch', '/data/written-inside']);
    expect(existsSync(join(dir, 'data', 'cache', 'written-inside'))).toBe(true);
    expect(statSync(join(dir, 'logs')).isDirectory()).toBe(true);
  }, TIMEOUT);

  it('long syntax with create_host_path: false: exit 3, located, nothing created', () => {
    const { dir, name } = project(`services:
  app:
    image: redis:7-alpine
    volumes:
      - type: bind
        source: ./must-exist
        target: /must
        bind:
          create_host_path: false
`);
    const r = devstack(['up', '-p', name], { cwd: dir });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`${join(dir, 'compose.yaml')}:5:9:`);
    expect(r.stderr).toContain(`bind source path does not exist: ${join(dir, 'must-exist')}`);
    expect(r.stderr).toContain('create_host_path');
    expect(existsSync(join(dir, 'must-exist'))).toBe(false);
  }, TIMEOUT);
});
