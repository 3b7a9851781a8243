// A recreate keeps the data of a Postgres that has no named volume, through the built CLI on the real engine:
// the image's VOLUME is carried over (config change, --force-recreate), `down -v` still removes it, a failed
// create gives the old container back, and a SIGKILL between the steps of a recreate loses nothing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { BIN, devstack } from '../smoke/support/cli.js';
import { docker, uniqueName } from './support/real-stack.js';

const TIMEOUT = 240_000;
const DATA = '/var/lib/postgresql/data';
let dir = '';
let name = '';
let taken = '';

function compose(mark: string, extra = ''): void {
  writeFileSync(
    join(dir, 'compose.yaml'),
    `services:
  db:
    image: postgres:16-alpine${extra}
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: pw
      POSTGRES_DB: app
      MARK: "${mark}"
`,
  );
}

function up(args: string[] = [], env: Record<string, string> = {}) {
  return devstack(['up', '-p', name, ...args], { cwd: dir, env });
}

const sql = (query: string) => docker(['exec', `${name}-db-1`, 'psql', '-U', 'app', '-d', 'app', '-tAc', query]);
const containers = () => docker(['ps', '-a', '--filter', `label=${LABEL.project}=${name}`, '--format', '{{.Names}} {{.State}}']).split('\n').filter(Boolean).sort();
const dataVolume = () => docker(['inspect', '-f', `{{range .Mounts}}{{if eq .Destination "${DATA}"}}{{.Name}}{{end}}{{end}}`, `${name}-db-1`]);

/** Runs `devstack up` paused at a recreate step (DEVSTACK_TEST_PAUSE_AT), and SIGKILLs it there. */
async function killedAt(step: string, mark: string): Promise<void> {
  compose(mark);
  const run = spawn(process.execPath, [BIN, 'up', '-p', name], {
    cwd: dir,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', DEVSTACK_TEST_PAUSE_AT: step },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    run.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`paused at ${step}`)) resolve();
    });
    run.once('exit', (code) => reject(new Error(`devstack up ended (${code}) before pausing at ${step}: ${stderr}`)));
  });
  const exited = new Promise((resolve) => run.once('exit', resolve));
  run.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  // The stand-in image declares its data folder a volume, as the official postgres image does.
  expect(docker(['image', 'inspect', '-f', '{{json .Config.Volumes}}', 'postgres:16-alpine'])).toContain(DATA);
  dir = mkdtempSync(join(tmpdir(), 'dsrecreate-'));
  name = uniqueName('dsrecreate');
  taken = `${name}-taken`;
  compose('1');
  const r = up();
  expect(r.status, r.stderr).toBe(0);
  sql('create table t(x int); insert into t values (42)');
}, TIMEOUT);

afterAll(() => {
  const ids = docker(['ps', '-aq', '--filter', `label=${LABEL.project}=${name}`]).split('\n').filter(Boolean);
  // A carried-over data volume outlives `rm -v` (it is mounted by name): removed by name when a test failed early.
  const volumes = ids.flatMap((id) => docker(['inspect', '-f', '{{range .Mounts}}{{.Name}} {{end}}', id]).split(' ').filter(Boolean));
  for (const id of ids) docker(['rm', '-fv', id]);
  for (const v of volumes) spawnSync('docker', ['volume', 'rm', v], { stdio: 'ignore' });
  spawnSync('docker', ['rm', '-fv', taken], { stdio: 'ignore' }); // gone already when its test passed
  for (const id of docker(['network', 'ls', '-q', '--filter', `label=${LABEL.project}=${name}`]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  rmSync(dir, { recursive: true, force: true });
});

describe('recreate keeps the data (real engine, built CLI)', () => {
  it('an environment change recreates the container on the same image-declared volume: the row is still there', () => {
    const volume = dataVolume();
    compose('2');
    const r = up();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/db\s+recreate/);
    expect(sql('select x from t')).toBe('42');
    expect(dataVolume()).toBe(volume);
  }, TIMEOUT);

  it('--force-recreate keeps it too', () => {
    const r = up(['--force-recreate']);
    expect(r.status, r.stderr).toBe(0);
    expect(sql('select x from t')).toBe('42');
  }, TIMEOUT);

  it('a create that fails during a recreate gives the old container back, running, with its data', () => {
    docker(['create', '--name', taken, 'redis:7-alpine']);
    compose('3', `\n    container_name: ${taken}`);
    const r = up();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(taken);
    expect(containers()).toEqual([`${name}-db-1 running`]);
    expect(sql('select x from t')).toBe('42');
    docker(['rm', '-fv', taken]);
  }, TIMEOUT);

  it('a SIGKILL between renaming the old container and creating the new one loses nothing', async () => {
    await killedAt('after-rename', '4');
    expect(containers()).toEqual([expect.stringMatching(new RegExp(`^[0-9a-f]{12}_${name}-db-1 running$`))]);
    const r = up();
    expect(r.status, r.stderr).toBe(0);
    expect(containers()).toEqual([`${name}-db-1 running`]);
    expect(sql('select x from t')).toBe('42');
  }, TIMEOUT);

  it('a SIGKILL between creating the new container and removing the old one loses nothing', async () => {
    await killedAt('after-create', '5');
    const left = containers();
    expect(left).toHaveLength(2);
    expect(left).toContain(`${name}-db-1 created`);
    expect(left).toContainEqual(expect.stringMatching(new RegExp(`^[0-9a-f]{12}_${name}-db-1 running$`)));
    const r = up();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/left by an interrupted recreate/);
    expect(containers()).toEqual([`${name}-db-1 running`]);
    expect(sql('select x from t')).toBe('42');
  }, TIMEOUT);

  it('a watch reload after a compose edit recreates the container on the same data', async () => {
    const watchRule = '\n    develop:\n      watch:\n        - action: sync\n          path: ./conf\n          target: /tmp/conf';
    mkdirSync(join(dir, 'conf'), { recursive: true });
    compose('6', watchRule);
    expect(up().status).toBe(0);
    const watch = spawn(process.execPath, [BIN, 'watch', '-p', name], { cwd: dir, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const saw = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => stderr.includes(text) && resolve();
        watch.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          check();
        });
        watch.once('exit', (code) => reject(new Error(`devstack watch ended (${code}) before "${text}": ${stderr}`)));
        check();
      });
    try {
      await saw('watching db for changes');
      compose('7', watchRule);
      await saw('project reloaded: db recreated');
    } finally {
      const exited = new Promise((resolve) => watch.once('exit', resolve));
      watch.kill('SIGINT');
      await exited;
    }
    expect(docker(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', `${name}-db-1`])).toContain('MARK=7');
    expect(sql('select x from t')).toBe('42');
  }, TIMEOUT);

  it('down --volumes removes the volume the recreates carried over', () => {
    const volume = dataVolume();
    const r = devstack(['down', '-v', '--yes', '-p', name], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(docker(['volume', 'ls', '-q', '--filter', `name=${volume}`])).toBe('');
  }, TIMEOUT);
});
