// The built CLI without a running stack: start-up cost, located compose errors, an unreachable engine.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devstack } from './support/cli.js';

const TRACE = new URL('./support/trace-imports.mjs', import.meta.url).pathname;

function projectWith(compose: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dssmoke-'));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  return dir;
}

describe('devstack CLI basics', () => {
  it('--version loads neither dockerode nor the compose loader', () => {
    const r = devstack(['--version'], { nodeArgs: ['--import', TRACE] });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^devstack\/\d+\.\d+\.\d+ /);
    expect(r.stderr).toMatch(/^load: file:\/\/.*\/bin\/devstack$/m); // the tracer sees the loads
    expect(r.stderr).not.toMatch(/^load: .*\/dist\//m);
    expect(r.stderr).not.toMatch(/resolve: (dockerode|docker-modem|ajv|yaml|pg|ioredis)\b/);
  });

  it('reports every compose error as file:line:col with exit code 3 and no stack trace', () => {
    const dir = projectWith(['services:', '  web:', '    image: redis:7-alpine', '    ports: [{ target: "x" }]', '    restartt: always', '    depends_on: [db]', ''].join('\n'));
    const r = devstack(['config'], { cwd: dir });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/compose\.yaml:4:\d+: .*ports/);
    expect(r.stderr).toMatch(/compose\.yaml:5:5: .*unknown key "restartt"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const verbose = devstack(['config', '--verbose'], { cwd: dir });
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('names the line of a YAML syntax error and a missing required variable', () => {
    const yamlError = devstack(['config'], { cwd: projectWith('services:\n  web:\n    image: [redis\n') });
    expect(yamlError.status).toBe(3);
    expect(yamlError.stderr).toMatch(/compose\.yaml:\d+:\d+: /);
    const missing = devstack(['config'], { cwd: projectWith('services:\n  web:\n    image: ${IMAGE:?set IMAGE to the image to run}\n'), env: { IMAGE: undefined } });
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain('compose.yaml:3:12: required variable IMAGE is missing a value: set IMAGE to the image to run');
  });

  it('takes the global flags before the command too, as docker compose does (-f x.yaml config)', () => {
    const dir = projectWith('services:\n  web:\n    image: redis:7-alpine\n');
    writeFileSync(join(dir, 'other.yaml'), 'services:\n  api:\n    image: redis:7-alpine\n');
    const before = devstack(['-f', 'other.yaml', '-p', 'shop', '--json', 'config'], { cwd: dir });
    const after = devstack(['config', '-f', 'other.yaml', '-p', 'shop', '--json'], { cwd: dir });
    expect(before.status).toBe(0);
    expect(before.stdout).toBe(after.stdout);
    expect(JSON.parse(before.stdout)).toMatchObject({ name: 'shop', services: { api: { image: 'redis:7-alpine' } } });
  });

  it('reports a dependency cycle as a path', () => {
    const dir = projectWith('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n');
    const r = devstack(['up'], { cwd: dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.stderr).toContain('cycle found: a -> b -> a');
  });

  it('says in one line, within 2 s, that no engine answers', () => {
    const dir = projectWith('services:\n  web:\n    image: redis:7-alpine\n');
    const r = devstack(['ps'], { cwd: dir, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/^error: Cannot reach a Docker Engine at unix:\/\/\/nonexistent\/docker\.sock/);
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.ms).toBeLessThan(4000); // process start included; the engine check itself is bounded at 2 s
  });

  it('masks secrets in config unless asked', () => {
    const dir = projectWith('services:\n  db:\n    image: postgres:16-alpine\n    environment:\n      POSTGRES_PASSWORD: hunter2\n      DATABASE_URL: postgresql://app:hunter2@db/app\n');
    const masked = devstack(['config', '--json'], { cwd: dir });
    expect(masked.status).toBe(0);
    const env = (JSON.parse(masked.stdout) as { services: { db: { environment: Record<string, string> } } }).services.db.environment;
    expect(env.POSTGRES_PASSWORD).toBe('********');
    expect(env.DATABASE_URL).toBe('postgresql://app:********@db/app');
    expect(devstack(['config', '--show-secrets'], { cwd: dir }).stdout).toContain('hunter2');
  });
});
