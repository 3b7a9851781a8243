// `devstack up --watch` and `devstack watch` through the built CLI on a real engine (fails, never skips,
// without one). A stack of three: `app` built from a tiny Dockerfile with a sync rule and a rebuild rule,
// `dependent` (depends_on app with restart: true) and `bystander`.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { BIN } from '../smoke/support/cli.js';

const NAME = `dswcli${Math.random().toString(36).slice(2, 8)}`;
const compose = (mode: string, extra = ''): string => `services:
  app:
    build: { context: ./app }
    environment: { GREETING: hello }
    volumes: ["/app/deps"]
    stop_grace_period: 1s
    develop:
      watch:
        - action: sync
          path: ./app/src
          target: /app/src
        - action: rebuild
          path: ./app/version.txt
  dependent:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
    stop_grace_period: 1s
    depends_on:
      app: { condition: service_started, restart: true }
  bystander:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
    environment: { MODE: ${mode} }
    stop_grace_period: 1s
${extra}`;
const DOCKERFILE = `FROM devstack-standin/debian:bookworm
COPY version.txt /app/version.txt
RUN mkdir -p /app/deps /app/src && cp /app/version.txt /app/deps/version.txt
CMD ["bash", "-c", "echo \\"app version $(cat /app/version.txt)\\"; trap 'exit 0' TERM; sleep infinity & wait"]
`;
let dir: string;

const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const inspect = (service: string, format: string): string => docker(['inspect', '-f', format, `${NAME}-${service}-1`]);
const idOf = (service: string): string => inspect(service, '{{.Id}}');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, probe: () => T | undefined, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = probe();
    } catch {
      value = undefined;
    }
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms: ${what}`);
    await sleep(150);
  }
}

/** The built CLI as a child, its output gathered. */
function start(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

beforeAll(() => {
  docker(['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  dir = mkdtempSync(join(tmpdir(), `${NAME}-`));
  mkdirSync(join(dir, 'app', 'src'), { recursive: true });
  writeFileSync(join(dir, 'app', 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'app', 'version.txt'), 'v1\n');
  writeFileSync(join(dir, 'app', 'src', 'hello.txt'), 'hello 1\n');
  writeFileSync(join(dir, 'compose.yaml'), compose('one'));
});

afterAll(() => {
  const label = `label=com.docker.compose.project=${NAME}`;
  const ids = (args: string[]) => docker(args).split('\n').filter(Boolean);
  for (const id of ids(['ps', '-aq', '--filter', label])) docker(['rm', '-fv', id]);
  for (const id of ids(['network', 'ls', '-q', '--filter', label])) docker(['network', 'rm', id]);
  for (const id of ids(['images', '-q', '--filter', label])) spawnSync('docker', ['rmi', '-f', id], { stdio: 'ignore' });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('devstack up --watch (built CLI, real engine)', () => {
  let run: ReturnType<typeof start>;
  const watching = (n: number) => (run.err().match(/watching app for changes/g) ?? []).length >= n || undefined;

  beforeAll(async () => {
    run = start(['up', '--watch', '-p', NAME]);
    await eventually('the first "watching" notice', () => watching(1), 240_000);
  });
  afterAll(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });

  it('streams the services\' logs with prefixes, as `logs` does', async () => {
    await eventually('app\'s first line', () => /^app-1 +\| app version v1$/m.test(run.out()) || undefined);
  });

  it('sync rule: an edited file is visible in the container', async () => {
    writeFileSync(join(dir, 'app', 'src', 'hello.txt'), 'hello 2\n');
    await eventually('hello 2 in /app/src', () => docker(['exec', `${NAME}-app-1`, 'cat', '/app/src/hello.txt']) === 'hello 2' || undefined, 10_000);
  });

  it('rebuild rule: rebuilds and recreates only app, with fresh anonymous volumes; restarts its restart: true dependent', async () => {
    const before = { app: idOf('app'), dependent: idOf('dependent'), bystander: idOf('bystander') };
    const started = { dependent: inspect('dependent', '{{.State.StartedAt}}'), bystander: inspect('bystander', '{{.State.StartedAt}}') };
    writeFileSync(join(dir, 'app', 'version.txt'), 'v2\n');
    await eventually('a new app container', () => idOf('app') !== before.app || undefined, 120_000);
    await eventually('rebuilt notice', () => /app: rebuilt \(\d+ ms\)/.test(run.err()) || undefined, 60_000);
    // The anonymous /app/deps comes from the new image, not from the old container's volume.
    expect(docker(['exec', `${NAME}-app-1`, 'cat', '/app/deps/version.txt'])).toBe('v2');
    expect(idOf('bystander')).toBe(before.bystander);
    expect(inspect('bystander', '{{.State.StartedAt}}')).toBe(started.bystander);
    expect(idOf('dependent')).toBe(before.dependent);
    expect(inspect('dependent', '{{.State.StartedAt}}')).not.toBe(started.dependent);
    // The log follower picked up the recreated container.
    await eventually('app\'s line after the rebuild', () => /^app-1 +\| app version v2$/m.test(run.out()) || undefined, 15_000);
  });

  it('a compose file with an error: the located error is printed and watching goes on', async () => {
    writeFileSync(join(dir, 'compose.yaml'), compose('one', '    ports: [{ target: "x" }]\n'));
    await eventually('the located error', () => /does not load[^]*compose\.yaml:\d+:\d+: /.test(run.err()) || undefined, 15_000);
    expect(run.child.exitCode).toBeNull();
  });

  it('a compose change (an env var) recreates that service only', async () => {
    const before = { app: idOf('app'), bystander: idOf('bystander') };
    writeFileSync(join(dir, 'compose.yaml'), compose('two'));
    await eventually('bystander recreated', () => (idOf('bystander') !== before.bystander ? true : undefined), 60_000);
    expect(inspect('bystander', '{{json .Config.Env}}')).toContain('MODE=two');
    await eventually('reload announced', () => /project reloaded: bystander recreated/.test(run.err()) || undefined, 15_000);
    expect(idOf('app')).toBe(before.app);
    // The rules are set up again on the reloaded project and still apply.
    await eventually('watching again', () => watching(2), 15_000);
    writeFileSync(join(dir, 'app', 'src', 'hello.txt'), 'hello 3\n');
    await eventually('hello 3 in /app/src', () => docker(['exec', `${NAME}-app-1`, 'cat', '/app/src/hello.txt']) === 'hello 3' || undefined, 10_000);
  });

  it('a branch switch (a compose file and a synced file change at once): reloads, and the file is synced too', async () => {
    const before = idOf('bystander');
    writeFileSync(join(dir, 'compose.yaml'), compose('three'));
    writeFileSync(join(dir, 'app', 'src', 'hello.txt'), 'hello 5\n');
    await eventually('bystander recreated', () => (idOf('bystander') !== before ? true : undefined), 60_000);
    await eventually('hello 5 in /app/src', () => docker(['exec', `${NAME}-app-1`, 'cat', '/app/src/hello.txt']) === 'hello 5' || undefined, 20_000);
  });

  it('a service added by a compose change is started and its log lines are streamed', async () => {
    const newcomer = `  newcomer:
    image: devstack-standin/debian:bookworm
    command: ["bash", "-c", "echo hello from newcomer $$GREETING; trap 'exit 0' TERM; sleep infinity & wait"]
    env_file: [newcomer.env]
    stop_grace_period: 1s
`;
    writeFileSync(join(dir, 'newcomer.env'), 'GREETING=one\n');
    writeFileSync(join(dir, 'compose.yaml'), compose('two', newcomer));
    await eventually('the newcomer\'s line in the watch output', () => /^newcomer-1\s+\| hello from newcomer one$/m.test(run.out()) || undefined, 60_000);
  });

  it('an edited env_file reloads the project and recreates the service that reads it', async () => {
    const before = idOf('newcomer');
    writeFileSync(join(dir, 'newcomer.env'), 'GREETING=two\n');
    await eventually('the recreated newcomer\'s line', () => /^newcomer-1\s+\| hello from newcomer two$/m.test(run.out()) || undefined, 60_000);
    expect(idOf('newcomer')).not.toBe(before);
    expect(inspect('newcomer', '{{json .Config.Env}}')).toContain('GREETING=two');
  });

  it('Ctrl-C stops watching with exit 0 and leaves the stack running', async () => {
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(run.err()).toContain(`${NAME} keeps running`);
    expect(run.err()).not.toMatch(/\n\s+at /);
    for (const s of ['app', 'dependent', 'bystander']) expect(inspect(s, '{{.State.Status}}')).toBe('running');
  });
});

describe('devstack watch (built CLI, real engine)', () => {
  it('watches a stack that is up: syncs, and Ctrl-C leaves it running', async () => {
    const run = start(['watch', 'app', '-p', NAME]);
    await eventually('watching', () => /watching app for changes/.test(run.err()) || undefined, 30_000);
    writeFileSync(join(dir, 'app', 'src', 'hello.txt'), 'hello 4\n');
    await eventually('hello 4 in /app/src', () => docker(['exec', `${NAME}-app-1`, 'cat', '/app/src/hello.txt']) === 'hello 4' || undefined, 10_000);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(inspect('app', '{{.State.Status}}')).toBe('running');
  });

  it('a watched service without a container: exit 8 and a hint to start it', async () => {
    const run = start(['watch', '-p', `${NAME}none`]);
    expect(await run.exit).toBe(8);
    expect(run.err()).toContain(`app has no running container in project ${NAME}none`);
    expect(run.err()).toMatch(/hint: Start the stack first \(`devstack up app`\)/);
  });
});

describe('devstack up --watch --down (built CLI, real engine)', () => {
  it('removes the stack (containers, network) once Ctrl-C stops watching', async () => {
    const run = start(['up', '--watch', '--down', '-p', NAME]);
    await eventually('watching', () => /watching app for changes/.test(run.err()) || undefined, 120_000);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${NAME}`])).toBe('');
    expect(docker(['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${NAME}`])).toBe('');
  });
});

describe('devstack up --watch: a save made before watching began (built CLI, real engine)', () => {
  it('an env_file saved while `up` still runs is applied once the watcher is ready', async () => {
    writeFileSync(join(dir, 'newcomer.env'), 'GREETING=before\n');
    const run = start(['up', '--watch', '--down', '-p', NAME]);
    onTestFinished(() => void (run.child.exitCode === null && run.child.kill('SIGKILL')));
    // Progress on stderr means the project was read; the watcher starts only after `up` is done.
    await eventually('up under way', () => (run.err().trim() !== '' && !/watching app/.test(run.err())) || undefined, 60_000);
    writeFileSync(join(dir, 'newcomer.env'), 'GREETING=during\n');
    await eventually('the newcomer\'s line with the saved value', () => /^newcomer-1\s+\| hello from newcomer during$/m.test(run.out()) || undefined, 90_000);
    expect(inspect('newcomer', '{{json .Config.Env}}')).toContain('GREETING=during');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });
});
