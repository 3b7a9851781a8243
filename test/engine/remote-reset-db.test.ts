// reset-db and snapshot-db on a remote engine, for real (the engine scripts/remote-engine.sh runs in netns
// devstack-r): the maintenance session reaches Postgres the way readiness probes do there — over ssh a relay to
// the engine host's address, over tcp a relay exec'd in the container — never this host's loopback. Fails, never
// skips, when that engine is not there.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devstack } from '../smoke/support/cli.js';
import { loadRemote, remoteDocker, removeRemoteProject, uniqueProject, type Remote } from './support/remote-engine.js';

let remote: Remote;
let dir: string;
const projects: string[] = [];

beforeAll(() => {
  remote = loadRemote();
  dir = mkdtempSync(path.join(tmpdir(), 'devstack-remote-db-'));
});

afterAll(() => {
  for (const project of projects) removeRemoteProject(remote, project);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A Postgres service publishing 5432 on the engine host's loopback only, with its data in a named volume. */
function postgresProject(): { project: string; cwd: string } {
  const project = uniqueProject('dsrdb');
  projects.push(project);
  const cwd = path.join(dir, project);
  mkdirSync(cwd, { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 9000);
  writeFileSync(
    path.join(cwd, 'compose.yaml'),
    `services:\n  db:\n    image: postgres:16-alpine\n    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: secret, POSTGRES_DB: app }\n    ports: ["127.0.0.1:${port}:5432"]\n    volumes: [dbdata:/var/lib/postgresql/data]\nvolumes:\n  dbdata:\n`,
  );
  return { project, cwd };
}

function psql(project: string, sql: string): string {
  return remoteDocker(remote, 'exec', `${project}-db-1`, 'psql', '-U', 'app', '-d', 'app', '-tAc', sql);
}

const tables = (project: string): string[] => psql(project, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split('\n').filter(Boolean);

describe('reset-db and snapshot-db on a remote engine', () => {
  it('over ssh: reset from scratch, snapshot, reset from the baseline, restore the snapshot', () => {
    const { project, cwd } = postgresProject();
    const env = { DOCKER_HOST: remote.sshHost };
    const run = (...args: string[]) => devstack([...args, '-p', project], { cwd, env });
    const up = run('up');
    expect(up.status, up.stderr).toBe(0);
    psql(project, 'CREATE TABLE first (v int)');

    const scratch = run('reset-db', '--yes');
    expect(scratch.status, scratch.stderr).toBe(0);
    expect(scratch.stderr).toContain('initialised from scratch');
    expect(tables(project)).toEqual([]);

    psql(project, 'CREATE TABLE kept (v int)');
    const saved = run('snapshot-db', 'seeded');
    expect(saved.status, saved.stderr).toBe(0);
    expect(run('snapshot-db', '--list').stdout).toContain('seeded');

    psql(project, 'CREATE TABLE scratch (v int)');
    const fresh = run('reset-db', '--yes');
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stderr).toContain('restored snapshot fresh');
    expect(tables(project)).toEqual([]);

    const restored = run('reset-db', '--to', 'seeded', '--yes');
    expect(restored.status, restored.stderr).toBe(0);
    expect(tables(project)).toEqual(['kept']);

    const down = run('down', '--volumes', '--yes');
    expect(down.status, down.stderr).toBe(0);
  });

  it('over ssh with init scripts carried from this host: an edit of them is seen, and the server initialised again', () => {
    const { project, cwd } = postgresProject();
    mkdirSync(path.join(cwd, 'init'));
    writeFileSync(path.join(cwd, 'init', '01.sql'), 'CREATE TABLE seeded (v int);\n');
    const compose = path.join(cwd, 'compose.yaml');
    writeFileSync(compose, readFileSync(compose, 'utf8').replace('volumes: [dbdata:/var/lib/postgresql/data]', 'volumes: [dbdata:/var/lib/postgresql/data, "./init:/docker-entrypoint-initdb.d:ro"]'));
    const env = { DOCKER_HOST: remote.sshHost };
    const run = (...args: string[]) => devstack([...args, '-p', project], { cwd, env });
    const up = run('up');
    expect(up.status, up.stderr).toBe(0);
    expect(tables(project)).toEqual(['seeded']);
    const first = run('reset-db', '--yes');
    expect(first.stderr).toContain('initialised from scratch');
    psql(project, 'CREATE TABLE extra (v int)');
    const fromBaseline = run('reset-db', '--yes');
    expect(fromBaseline.stderr).toContain('restored snapshot fresh');
    expect(tables(project)).toEqual(['seeded']);

    writeFileSync(path.join(cwd, 'init', '01.sql'), 'CREATE TABLE seeded_again (v int);\n');
    const changed = run('reset-db', '--yes');
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stderr).toContain('initialising from scratch (the configuration, image or init scripts changed since the baseline)');
    expect(tables(project)).toEqual(['seeded_again']);
    const down = run('down', '--volumes', '--yes');
    expect(down.status, down.stderr).toBe(0);
  });

  it('over tcp with the port on the engine host\'s loopback: through an exec in the container', () => {
    const { project, cwd } = postgresProject();
    const env = { DOCKER_HOST: remote.tlsHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: remote.tlsCertPath, DOCKER_CONTEXT: undefined };
    const run = (...args: string[]) => devstack([...args, '-p', project], { cwd, env });
    const up = run('up');
    expect(up.status, up.stderr).toBe(0);
    psql(project, 'CREATE TABLE gone (v int)');
    const reset = run('reset-db', '--yes');
    expect(reset.status, reset.stderr).toBe(0);
    expect(tables(project)).toEqual([]);
    psql(project, 'CREATE TABLE gone_too (v int)');
    const again = run('reset-db', '--yes');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('restored snapshot fresh');
    expect(tables(project)).toEqual([]);
    const down = run('down', '--volumes', '--yes');
    expect(down.status, down.stderr).toBe(0);
  });
});
