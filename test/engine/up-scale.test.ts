// `up` over a stack docker-compose 1.29 scaled to 3 (`up --scale cache=3`), through the built CLI on the real
// engine: the compose file says nothing of scale (1), so replicas 2 and 3 go (as compose removes them when the
// scale goes down), each named in a warning line, never silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from '../smoke/support/cli.js';
import { docker, uniqueName } from './support/real-stack.js';

const TIMEOUT = 240_000;
const dir = mkdtempSync(join(tmpdir(), 'dsscale-'));
const name = uniqueName('dsscale');
/** The anonymous volumes of docker-compose's replicas (redis declares VOLUME /data): this test's to remove. */
const replicaVolumes: string[] = [];
const containers = () => docker(['ps', '-a', '--filter', `label=${LABEL.project}=${name}`, '--format', '{{.Names}}']).split('\n').filter(Boolean).sort();

afterAll(() => {
  const label = `label=${LABEL.project}=${name}`;
  for (const id of docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean)) docker(['rm', '-fv', id]);
  for (const id of docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  for (const v of replicaVolumes) spawnSync('docker', ['volume', 'rm', v], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

describe('up over a scaled stack (real engine, built CLI)', () => {
  it('removes the extra replicas and says so, one line each', () => {
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  cache:\n    image: redis:7-alpine\n');
    execFileSync('docker-compose', ['-p', name, 'up', '-d', '--scale', 'cache=3'], { cwd: dir, stdio: 'ignore' });
    expect(containers()).toEqual([`${name}_cache_1`, `${name}_cache_2`, `${name}_cache_3`]);
    for (const c of containers()) replicaVolumes.push(...docker(['inspect', '-f', '{{range .Mounts}}{{.Name}} {{end}}', c]).split(' ').filter(Boolean));

    const r = devstack(['up', '-p', name], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain(`cache: removing ${name}_cache_2 (replica 2; scale is now 1; volumes kept)`);
    expect(out).toContain(`cache: removing ${name}_cache_3 (replica 3; scale is now 1; volumes kept)`);
    expect(containers()).toEqual([`${name}-cache-1`]);
  }, TIMEOUT);
});
