// Real engine, devstack alone: what the docker-compose 1.29 oracle (compose-fidelity.test.ts) cannot show —
// a changed key recreates the container (config hash), the build keys reach the classic builder, and the keys
// 1.29 predates land in `docker inspect` with the values compose v2 would send.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeService, type ServiceContext } from '../../src/compose/normalize/service.js';
import { child, isMap } from '../../src/compose/node.js';
import { parseYamlSource } from '../../src/compose/yaml-source.js';
import { containerSpecFor } from '../../src/core/container-spec.js';
import { LABEL } from '../../src/core/labels.js';
import type { Project } from '../../src/core/model.js';
import { openEngine } from '../../src/engine/docker/docker-engine.js';
import { requireEngine } from './probes-cli-engine.js';
import { removeProjectObjects, REPO, uniqueName } from './support/real-stack.js';

const MiB = 1024 * 1024;

function devstack(args: string[], cwd: string): string {
  return execFileSync(join(REPO, 'bin/devstack'), args, { cwd, encoding: 'utf8', env: { ...process.env, COMPOSE_PROJECT_NAME: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function inspect(id: string): { Id: string; HostConfig: Record<string, unknown>; Config: Record<string, unknown>; NetworkSettings: { Networks: Record<string, Record<string, unknown>> } } {
  return JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0];
}


describe('devstack up on the real engine: hash, build keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dskeys-'));
  const project = uniqueName('dskeys');
  const compose = (shm: string) => `
services:
  app:
    image: ${project}-app:dev
    command: ["sleep", "infinity"]
    shm_size: ${shm}
    build:
      context: .
      dockerfile_inline: |
        FROM redis:7-alpine
        RUN grep -q "10.1.2.3[[:space:]]*buildhost" /etc/hosts && df -k /dev/shm | tail -1 | tr -s ' ' | cut -d' ' -f2 > /build-shm-kb
      extra_hosts: ["buildhost=10.1.2.3"]
      shm_size: 96m
      network: host
      tags: ["${project}-app:extra"]
`;

  beforeAll(() => requireEngine());
  afterAll(() => {
    removeProjectObjects(project);
    for (const tag of ['dev', 'extra']) execFileSync('docker', ['rmi', '-f', `${project}-app:${tag}`], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds from dockerfile_inline with the build extra_hosts, shm_size, network and tags', () => {
    writeFileSync(join(dir, 'compose.yaml'), compose('64m'));
    devstack(['up', '-p', project], dir);
    // the RUN step found the build host entry (else the build fails) and saw a 96 MiB /dev/shm
    expect(execFileSync('docker', ['run', '--rm', `${project}-app:extra`, 'cat', '/build-shm-kb'], { encoding: 'utf8' }).trim()).toBe(String(96 * 1024));
  });

  it('changing shm_size recreates the container with the new size', () => {
    const first = execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=${LABEL.project}=${project}`], { encoding: 'utf8' }).trim();
    expect(inspect(first).HostConfig.ShmSize).toBe(64 * MiB);
    devstack(['up', '-p', project], dir); // unchanged: kept
    expect(execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=${LABEL.project}=${project}`], { encoding: 'utf8' }).trim()).toBe(first);
    writeFileSync(join(dir, 'compose.yaml'), compose('128m'));
    devstack(['up', '-p', project], dir);
    const second = execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=${LABEL.project}=${project}`], { encoding: 'utf8' }).trim();
    expect(second).not.toBe(first);
    expect(inspect(second).HostConfig.ShmSize).toBe(128 * MiB);
  });
});

describe('a key devstack cannot apply', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dswarn-'));
  const project = uniqueName('dswarn');
  afterAll(() => {
    removeProjectObjects(project);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is named once by up, at its file:line:col, and the stack still comes up', () => {
    requireEngine();
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: redis:7-alpine\n    command: ["sleep", "infinity"]\n    cpu_count: 2\n');
    const run = spawnSync(join(REPO, 'bin/devstack'), ['up', '-p', project], { cwd: dir, encoding: 'utf8', env: { ...process.env, COMPOSE_PROJECT_NAME: undefined } });
    expect(run.status).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.includes('cpu_count'));
    expect(warnings).toEqual([`warning: ${join(dir, 'compose.yaml')}:5:5: services.app.cpu_count is not applied: a Windows-only setting`]);
  });
});

/** The keys docker-compose 1.29 predates, through the loader's normalization and the Docker adapter. */
describe('keys 1.29 predates, created on the real engine', () => {
  const project = uniqueName('dsnewkeys');
  const dir = mkdtempSync(join(tmpdir(), 'dsnewkeys-'));
  let created: ReturnType<typeof inspect>;

  beforeAll(async () => {
    requireEngine();
    const yaml = `services:
  s:
    image: redis:7-alpine
    command: ["sleep", "infinity"]
    cgroup: private
    uts: host
    security_opt: [systempaths=unconfined]
    devices: [{source: /dev/null, target: /dev/nothing, permissions: rw}]
    deploy: {resources: {limits: {pids: 42}}}
    networks:
      default:
        mac_address: 02:42:ac:11:00:42
    volumes:
      - {type: tmpfs, target: /scratch, tmpfs: {size: 2m, mode: 0o700}}
      - {type: bind, source: ${dir}, target: /labelled, bind: {selinux: z}}
`;
    const { root } = parseYamlSource(yaml, join(dir, 'compose.yaml'));
    const services = child(root, 'services');
    if (!isMap(services)) throw new Error('no services');
    const ctx: ServiceContext = {
      projectDir: dir, homeDir: dir, lookup: () => undefined, declaredVolumes: new Set(), declaredNetworks: new Set(['default']),
      declaredSecrets: new Map(), declaredConfigs: new Map(), issues: [], warnings: [],
    };
    const service = normalizeService(services.entries.get('s')!, ctx).config;
    expect(ctx.issues).toEqual([]);
    const model: Project = {
      name: project, workingDir: dir, composeFiles: [join(dir, 'compose.yaml')], services: { s: service }, inactiveServices: [],
      networks: { default: { name: `${project}_default`, external: false, labels: {} } }, volumes: {},
    };
    const engine = await openEngine(process.env);
    await engine.ensureNetwork({ name: `${project}_default`, labels: { [LABEL.project]: project } });
    const id = await engine.createContainer(containerSpecFor({ project: model, service, ports: [] }).request);
    await engine.startContainer(id);
    created = inspect(id);
  });

  afterAll(() => {
    removeProjectObjects(project);
    rmSync(dir, { recursive: true, force: true });
  });

  it('cgroup, uts, systempaths=unconfined, long devices and deploy pids reach HostConfig', () => {
    expect(created.HostConfig).toMatchObject({
      CgroupnsMode: 'private',
      UTSMode: 'host',
      MaskedPaths: [],
      ReadonlyPaths: [],
      Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/nothing', CgroupPermissions: 'rw' }],
      PidsLimit: 42,
    });
  });

  it('the network mac_address is the container MAC (API < 1.44 takes it on Config)', () => {
    expect(created.Config.MacAddress).toBe('02:42:ac:11:00:42');
    expect(created.NetworkSettings.Networks[`${project}_default`]!.MacAddress).toBe('02:42:ac:11:00:42');
  });

  it('tmpfs size/mode and the SELinux-labelled bind are mounted as asked', () => {
    expect(created.HostConfig.Mounts).toEqual([{ Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 2 * MiB, Mode: 0o700 } }]);
    expect(created.HostConfig.Binds).toEqual([`${dir}:/labelled:rw,z`]);
    const mode = execFileSync('docker', ['exec', created.Id, 'stat', '-c', '%a', '/scratch'], { encoding: 'utf8' }).trim();
    expect(mode).toBe('700');
  });
});
