// Build contexts through the built CLI on the real engine: the monorepo layout (docker/compose.yaml with
// `build: { context: .. }`) builds as compose builds it; a symlink in the context that leads out of it is refused
// as a compose-file error (exit 3) located at the service.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from '../smoke/support/cli.js';
import { docker, uniqueName } from './support/real-stack.js';

const TIMEOUT = 240_000;
const root = mkdtempSync(join(tmpdir(), 'dsctx-'));
const name = uniqueName('dsctx');
const composeFile = join(root, 'docker', 'compose.yaml');

afterAll(() => {
  const label = `label=${LABEL.project}=${name}`;
  for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
  for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  for (const ref of docker(['images', '-q', '--filter', `reference=${name}-*`]).split('\n').filter(Boolean)) docker(['rmi', '-f', ref]);
  rmSync(root, { recursive: true, force: true });
});

describe('build contexts (real engine, built CLI)', () => {
  it('docker/compose.yaml with context: .. builds the whole repository', () => {
    mkdirSync(join(root, 'docker'));
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'app', 'hello.txt'), 'from the repository root\n');
    writeFileSync(join(root, 'docker', 'Dockerfile'), 'FROM redis:7-alpine\nCOPY app/hello.txt /hello.txt\n');
    writeFileSync(composeFile, 'services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n');
    const r = devstack(['up', '-f', composeFile, '-p', name], { cwd: root });
    expect(r.status, r.stderr).toBe(0);
    expect(docker(['exec', `${name}-web-1`, 'cat', '/hello.txt'])).toBe('from the repository root');
  }, TIMEOUT);

  it('a symlink in the context that leads out of it: exit 3 at the service, nothing built', () => {
    symlinkSync('/etc/passwd', join(root, 'app', 'leak'));
    const r = devstack(['up', '--build', '-f', composeFile, '-p', name], { cwd: root });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`${composeFile}:2:3: web: the symlink ${join(root, 'app', 'leak')} (→ /etc/passwd) leads out of the build context`);
    expect(r.stderr).toMatch(/hint: .*\.dockerignore/);
  }, TIMEOUT);
});
