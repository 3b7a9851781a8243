// `devstack doctor` through the built CLI, each fault that stops a newcomer injected for real: the engine socket
// refusing a user outside the docker group (run as uid 1000 with setpriv), a rootless socket that answers but is
// not selected (a socket in uid 1000's XDG_RUNTIME_DIR that forwards to the engine; following the hint makes the
// engine answer), .env lacking keys of .env.example, `${VAR:?msg}` without a value, inotify limits below the
// watched folders (limits injected through DEVSTACK_INOTIFY_SYSCTL_DIR: the host's sysctls are not touched), a
// project on a nearly full file system (a 16 MiB tmpfs), a bind-mounted folder its container user cannot read
// (also `up`'s one warning), and a secret baked into a Dockerfile. The SARIF output validates against the schema.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, devstack } from './support/cli.js';

const NAME = `dsfault${Math.random().toString(36).slice(2, 8)}`;
let mnt: string;
let dir: string;
let runtimeDir: string;
let sysctlDir: string;
let stateDir: string;
let proxy: Server | undefined;
const DEV = 1000;
/** uid 1000's name, as devstack reads it from /etc/passwd (the uid itself where no entry names it). */
const devName = ((): string => {
  try {
    return execFileSync('id', ['-nu', String(DEV)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return String(DEV);
  }
})();

interface Finding { area: string; status: string; message: string; hint?: string; location?: string; rule?: string }

/** The built CLI as uid/gid 1000 with no supplementary groups (not in the docker group), asynchronously. */
function devstackAsDeveloper(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('setpriv', [`--reuid=${DEV}`, `--regid=${DEV}`, '--clear-groups', process.execPath, BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: runtimeDir, CI: 'true', NO_COLOR: '1', DEVSTACK_STATE_DIR: join(runtimeDir, 'state'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const runDoctor = (args: string[], env: Record<string, string> = {}) =>
  devstack(['doctor', ...args], { cwd: dir, env: { DEVSTACK_STATE_DIR: stateDir, DEVSTACK_INOTIFY_SYSCTL_DIR: sysctlDir, ...env } });

beforeAll(() => {
  execFileSync('docker', ['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  mnt = mkdtempSync(join(tmpdir(), `${NAME}-`));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]);
  dir = join(mnt, NAME);
  mkdirSync(join(dir, 'api'), { recursive: true });
  mkdirSync(join(dir, 'web'), { recursive: true });
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  api:',
      '    image: node:20-alpine',
      '    user: "1001"',
      '    command: ["sleep", "3600"]',
      '    environment:',
      '      API_TOKEN: ${API_TOKEN:-}',
      '    volumes:',
      '      - ./api:/app',
      '    develop:',
      '      watch:',
      '        - { action: sync, path: ./api, target: /app }',
      '  web:',
      '    build: ./web',
      '    x-devstack:',
      '      ready: tcp:3000',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'web', 'Dockerfile'), 'FROM node:20-alpine\nWORKDIR /app\nENV NODE_ENV=development NPM_TOKEN=npm_live_0123456789\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n');
  writeFileSync(join(dir, 'web', '.dockerignore'), 'node_modules\n');
  writeFileSync(join(dir, 'api', 'index.js'), 'console.log(1)\n');
  writeFileSync(join(dir, '.env.example'), '# copy to .env\nDB_PASSWORD=\nAPI_TOKEN=\nSTRIPE_KEY=\n');
  writeFileSync(join(dir, '.env'), 'DB_PASSWORD=dev\n');
  // the clone belongs to the developer; ./api is private to them (0700)
  for (const p of [dir, join(dir, 'api'), join(dir, 'web'), join(dir, 'compose.yaml'), join(dir, '.env'), join(dir, '.env.example'), join(dir, 'api', 'index.js')]) chownSync(p, DEV, DEV);
  chmodSync(join(dir, 'api'), 0o700);
  sysctlDir = mkdtempSync(join(tmpdir(), `${NAME}-sysctl-`));
  writeFileSync(join(sysctlDir, 'max_user_watches'), '0\n');
  writeFileSync(join(sysctlDir, 'max_user_instances'), '0\n');
  stateDir = mkdtempSync(join(tmpdir(), `${NAME}-state-`));
  runtimeDir = mkdtempSync(join(tmpdir(), `${NAME}-run-`));
  chownSync(runtimeDir, DEV, DEV);
  chmodSync(runtimeDir, 0o700);
});

afterAll(async () => {
  devstack(['down', '-v', '--yes'], { cwd: dir, env: { DEVSTACK_STATE_DIR: stateDir } });
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  if (mnt) {
    execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
  for (const d of [sysctlDir, stateDir, runtimeDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('doctor: each fault injected, found and named with one fix (built CLI, real engine)', () => {
  it('the project\'s faults, one finding each at its file:line', () => {
    const r = runDoctor(['--json']);
    expect(r.status, r.stderr).not.toBe(0); // the unreadable bind mount fails
    const findings = JSON.parse(r.stdout.split('\n')[0]!) as Finding[];
    const byRule = (rule: string) => findings.filter((f) => f.rule === rule);

    expect(byRule('env-example-keys')).toEqual([
      expect.objectContaining({ status: 'warn', location: '.env.example:3', message: '.env lacks 2 of the keys .env.example lists: API_TOKEN, STRIPE_KEY' }),
    ]);
    expect(byRule('bind-mount-access')).toEqual([
      expect.objectContaining({
        status: 'fail',
        location: 'compose.yaml:9:9', // the volume entry `- ./api:/app`
        message: `api runs as user 1001 and cannot read ./api (owned by ${DEV}:${DEV}, 0700) bind-mounted at /app`,
        hint: expect.stringContaining(`\`user: "${DEV}:${DEV}"\` on the service`),
      }),
    ]);
    expect(byRule('inotify-watches')).toEqual([expect.objectContaining({ status: 'warn', hint: expect.stringMatching(/^sudo sysctl fs\.inotify\.max_user_watches=524288;/) })]);
    expect(byRule('inotify-watches')[0]!.message).toMatch(/^the watch paths hold 2 folders .*fs\.inotify\.max_user_watches is 0:/);
    expect(byRule('inotify-instances')).toEqual([expect.objectContaining({ status: 'warn', hint: expect.stringMatching(/^sudo sysctl fs\.inotify\.max_user_instances=\d+;/) })]);
    const disk = byRule('low-disk');
    expect(disk.find((f) => f.message.startsWith('the project folder'))).toMatchObject({ status: 'warn', message: expect.stringMatching(/has only \d+ MiB free of 16 MiB/), hint: expect.stringContaining('devstack deletes none of it') });
    expect(disk.find((f) => f.message.startsWith('the engine\'s data root'))).toMatchObject({ status: 'ok' });
    expect(byRule('secret-in-image')).toEqual([
      expect.objectContaining({ status: 'warn', location: 'web/Dockerfile:3', message: expect.stringContaining('ENV NPM_TOKEN at line 3 bakes a secret into the image'), hint: expect.stringContaining('environment: or env_file:') }),
    ]);
  });

  it('--format sarif: the located findings as a SARIF 2.1.0 log that validates against the schema', () => {
    const r = runDoctor(['--format', 'sarif']);
    const log = JSON.parse(r.stdout) as { version: string; runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    // the schema is draft-04: ajv 8 reads it as draft-07 (the only draft-04 keyword it uses is the top-level `id`)
    // (and its patterns are not all valid as unicode regular expressions, so ajv compiles them without the u flag)
    const { id, $schema: _draft, ...rest } = schema;
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile({ ...rest, $id: String(id) });
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0]!.results.map((x) => `${x.ruleId} ${x.level} ${x.locations[0]!.physicalLocation.artifactLocation.uri}:${x.locations[0]!.physicalLocation.region.startLine}`);
    expect(results).toEqual(expect.arrayContaining(['env-example-keys warning .env.example:3', 'bind-mount-access error compose.yaml:9', 'secret-in-image warning web/Dockerfile:3']));
  });

  it('`${VAR:?msg}` without a value: a failure at its line that says where to set it', () => {
    const other = join(mnt, `${NAME}-req`);
    mkdirSync(other);
    writeFileSync(join(other, 'compose.yaml'), 'services:\n  app:\n    image: "node:${NODE_TAG:?set NODE_TAG in .env}"\n');
    const r = devstack(['doctor', '--json'], { cwd: other, env: { DEVSTACK_STATE_DIR: stateDir } });
    expect(r.status).toBe(3);
    const findings = JSON.parse(r.stdout.split('\n')[0]!) as Finding[];
    expect(findings.find((f) => f.rule === 'required-variable')).toMatchObject({
      status: 'fail',
      location: 'compose.yaml:3:12',
      message: 'required variable NODE_TAG is missing a value: set NODE_TAG in .env',
      hint: expect.stringContaining('Set NODE_TAG in .env next to the compose file'),
    });
  });

  it('the engine socket refuses a user outside its group: the exact group fix', async () => {
    const r = await devstackAsDeveloper(['doctor', '--json'], { XDG_RUNTIME_DIR: join(runtimeDir, 'none') });
    expect(r.status).toBe(4);
    const findings = JSON.parse(r.stdout.split('\n')[0]!) as Finding[];
    expect(findings.find((f) => f.rule === 'engine-socket-permission')).toMatchObject({
      status: 'fail',
      message: `/var/run/docker.sock belongs to group docker (mode 0660) and user ${devName} is not in it`,
      hint: `sudo usermod -aG docker ${devName}, then log out and back in (or run \`newgrp docker\` in this shell); \`id -nG\` must list docker.`,
    });
  });

  it('a rootless socket that answers but is not selected: how to select it, and selecting it works', async () => {
    const socket = join(runtimeDir, 'docker.sock');
    proxy = createServer((client) => {
      const engine = createConnection('/var/run/docker.sock');
      client.pipe(engine).pipe(client);
      engine.on('error', () => client.destroy());
      client.on('error', () => engine.destroy());
    });
    await new Promise<void>((resolve) => proxy!.listen(socket, resolve));
    chownSync(socket, DEV, DEV);
    const before = await devstackAsDeveloper(['doctor', '--json'], { XDG_RUNTIME_DIR: runtimeDir });
    const findings = JSON.parse(before.stdout.split('\n')[0]!) as Finding[];
    expect(findings.find((f) => f.rule === 'engine-socket-not-selected')).toMatchObject({
      status: 'fail',
      message: `A rootless Docker socket answers at ${socket}, but devstack (like docker) uses /var/run/docker.sock unless DOCKER_HOST says otherwise`,
      hint: expect.stringMatching(new RegExp(`^export DOCKER_HOST=unix://${socket}`)),
    });
    const after = await devstackAsDeveloper(['doctor', '--json'], { XDG_RUNTIME_DIR: runtimeDir, DOCKER_HOST: `unix://${socket}` });
    const engine = (JSON.parse(after.stdout.split('\n')[0]!) as Finding[]).filter((f) => f.area === 'engine');
    // The first engine line says which engine was chosen and why; the next, that it answers.
    expect(engine[0]).toMatchObject({ status: 'info', message: `engine: DOCKER_HOST → unix://${socket}` });
    expect(engine.find((f) => f.status !== 'info')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^Docker Engine \S+ answers/) });
  });

  it('up warns once about the bind-mounted folder its user cannot read, and still starts the service', () => {
    const r = devstack(['up', 'api'], { cwd: dir, env: { DEVSTACK_STATE_DIR: stateDir } });
    expect(r.status, r.stderr).toBe(0);
    const warnings = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.includes('cannot read ./api'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`api runs as user 1001 and cannot read ./api (owned by ${DEV}:${DEV}, 0700) bind-mounted at /app`);
  });
});
