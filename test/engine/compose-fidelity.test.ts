// The oracle test for "every key docker compose applies is applied": one compose file with every container,
// network and volume key that Debian's docker-compose 1.29 knows, brought up by docker-compose (project P1)
// and by the built bin/devstack (project P2), one after the other (the fixed subnet and MAC address cannot
// exist twice). The normalized `docker inspect` of each container, network and volume must be equal field
// by field; the fields that must differ are listed in EXPECTED_DIFFERENCES with a reason each.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { requireEngine } from './probes-cli-engine.js';
import { removeProjectObjects, REPO, uniqueName } from './support/real-stack.js';

const SERVICES = ['limits', 'peer', 'pinned', 'sidecar'] as const;

const COMPOSE = `
services:
  limits:
    image: redis:7-alpine
    command: ["sleep", "infinity"]
    shm_size: 128m
    cap_add: [NET_ADMIN, SYS_PTRACE]
    cap_drop: [MKNOD]
    ulimits:
      nofile: {soft: 1024, hard: 2048}
      nproc: 512
    tmpfs: ["/run:size=1m,mode=1777", "/scratch"]
    sysctls: {net.core.somaxconn: "1024"}
    mem_limit: 256m
    memswap_limit: 512m
    mem_reservation: 64m
    mem_swappiness: 10
    cpu_shares: 512
    cpu_period: 100000
    cpu_quota: 50000
    cpuset: "0"
    pids_limit: 100
    blkio_config:
      device_read_bps: [{path: BLOCKDEV, rate: 1m}]
      device_write_iops: [{path: BLOCKDEV, rate: 300}]
    oom_kill_disable: true
    oom_score_adj: 100
    logging:
      driver: json-file
      options: {max-size: 1m, max-file: "2"}
    devices: ["/dev/null:/dev/xnull:rwm"]
    device_cgroup_rules: ["c 1:3 mr"]
    dns: [1.1.1.1]
    dns_search: [example.com]
    dns_opt: [ndots:2]
    domainname: example.com
    group_add: ["100"]
    ipc: shareable
    cgroup_parent: /devstack-fidelity
    read_only: true
    security_opt: [no-new-privileges:true]
    runtime: runc
    platform: linux/amd64
    volumes:
      - type: tmpfs
        target: /cache
        tmpfs: {size: 1048576}
      - type: bind
        source: ./data
        target: /data
        bind: {propagation: private}
      - type: volume
        source: v
        target: /v
        volume: {nocopy: true}
      - ./data:/short:ro
  peer:
    image: redis:7-alpine
    command: ["sleep", "infinity"]
    pid: host
    userns_mode: host
    mac_address: 02:42:ac:11:00:99
    hostname: peer
    links: ["limits:lim"]
    external_links: ["EXTERNAL:ext"]
    volumes_from: ["pinned:ro"]
    deploy:
      resources:
        limits: {cpus: "0.25", memory: 128m}
        reservations: {memory: 32m}
  pinned:
    image: redis:7-alpine
    command: ["sleep", "infinity"]
    cpus: 0.75
    networks:
      back:
        ipv4_address: 10.231.7.5
        aliases: [pin]
        priority: 10
      default:
        priority: 1
  sidecar:
    image: redis:7-alpine
    command: ["sleep", "infinity"]
    network_mode: "service:pinned"
networks:
  back:
    driver: bridge
    driver_opts: {com.docker.network.bridge.enable_icc: "true"}
    ipam:
      driver: default
      config: [{subnet: 10.231.7.0/24, ip_range: 10.231.7.0/25, gateway: 10.231.7.1, aux_addresses: {host1: 10.231.7.2}}]
    internal: true
    attachable: true
    enable_ipv6: false
    labels: {tier: back}
volumes:
  v:
    driver: local
    driver_opts: {type: tmpfs, device: tmpfs, o: size=1m}
    labels: {kind: scratch}
`;

/**
 * Fields that must differ between the two tools, each with its reason. Paths are dotted inspect paths;
 * everything else in Config, HostConfig, NetworkSettings.Networks, Mounts, and in the networks and volumes
 * inspected, is compared.
 */
const EXPECTED_DIFFERENCES: Record<string, string> = {
  'Config.Labels': 'compose/devstack bookkeeping labels differ by design (project, config-hash, version, files); user labels are compared below',
  'Config.Hostname': 'unset hostname: the engine uses the container id, which differs per container',
  'Config.Volumes./short':
    '1.29 also lists a Binds target in Config.Volumes; compose v2 does not, and the mount is the same (HostConfig.Binds and Mounts are compared)',
  '<P>_default.Attachable':
    '1.29 creates the default network attachable; compose v2 does not (the compose file sets nothing), and devstack follows v2',
  '<P>_default.IPAM.Config': 'no ipam in the file: the engine picks a free subnet for each network',
  'sidecar:HostConfig.NetworkMode':
    '1.29 resolves network_mode service:X only when X is running, so `up --no-start` leaves it on the default bridge (with a warning); compose v2 and devstack use container:<X\'s container> (asserted below)',
  'sidecar:Networks': 'follows from NetworkMode above: 1.29 attached the default bridge',
};

/** A block device of this machine (blkio throttles need one): the first disk in /proc/partitions. */
function blockDevice(): string {
  const names = readFileSync('/proc/partitions', 'utf8').split('\n').slice(2).map((l) => l.trim().split(/\s+/)[3]).filter((n): n is string => !!n);
  return `/dev/${names.find((n) => !/^(loop|ram|zram)/.test(n)) ?? names[0]}`;
}

interface Snapshot {
  containers: Record<string, Record<string, unknown>>;
  networks: Record<string, Record<string, unknown>>;
  volumes: Record<string, Record<string, unknown>>;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, COMPOSE_PROJECT_NAME: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function ids(args: string[]): string[] {
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function inspect(kind: 'container' | 'network' | 'volume', id: string): Record<string, unknown> {
  return (JSON.parse(execFileSync('docker', [kind, 'inspect', id], { encoding: 'utf8' })) as Record<string, unknown>[])[0]!;
}

/** Project-specific names → placeholders: 1.29 names containers P_svc_1, devstack P-svc-1; both name networks P_net. */
function neutralNames(value: unknown, project: string, external: string): unknown {
  let text = JSON.stringify(value);
  for (const service of SERVICES) {
    text = text.replaceAll(`${project}_${service}_1`, `<P>-${service}-1`).replaceAll(`${project}-${service}-1`, `<P>-${service}-1`);
    // 1.29's third link name is the container name without the project (svc_1), compose v2's is svc-1
    text = text.replaceAll(`/${service}_1"`, `/${service}-1"`).replaceAll(`:${service}_1"`, `:${service}-1"`);
  }
  text = text.replaceAll(`${project}_`, '<P>_').replaceAll(external, '<EXTERNAL>');
  return JSON.parse(text);
}

const BOOKKEEPING_LABEL = /^(com\.docker\.compose\.|io\.devstack\.(?!standin))/;

function userLabels(labels: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((labels ?? {}) as Record<string, string>).filter(([k]) => !BOOKKEEPING_LABEL.test(k)));
}

/** null, [] and {} are the same "nothing" in inspect output (a nil slice or map prints as null). */
function emptyAsNull(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(emptyAsNull);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, emptyAsNull(v)] as const);
    return entries.length === 0 ? null : Object.fromEntries(entries);
  }
  return value;
}

function containerView(raw: Record<string, unknown>): Record<string, unknown> {
  const config = { ...(raw.Config as Record<string, unknown>) };
  const host = raw.HostConfig as Record<string, unknown>;
  const networks = (raw.NetworkSettings as { Networks: Record<string, Record<string, unknown>> }).Networks;
  const shortId = String(raw.Id).slice(0, 12);
  const configuredMac = config.MacAddress !== undefined && config.MacAddress !== '';
  const endpoint = (n: Record<string, unknown>): Record<string, unknown> => ({
    IPAMConfig: n.IPAMConfig,
    Links: sorted(n.Links),
    Aliases: ((n.Aliases as string[] | null) ?? []).filter((a) => a !== shortId).sort(),
    DriverOpts: n.DriverOpts,
    ...(configuredMac ? { MacAddress: n.MacAddress } : {}),
  });
  const labels = userLabels(config.Labels);
  delete config.Labels;
  if (!/^[0-9a-f]{12}$/.test(String(config.Hostname)) || String(config.Hostname) !== shortId) config.Hostname = config.Hostname ?? '';
  else delete config.Hostname;
  return emptyAsNull({
    Path: raw.Path,
    Args: raw.Args,
    Config: config,
    UserLabels: labels,
    HostConfig: { ...host, Links: sorted(host.Links), Mounts: byTarget(host.Mounts) },
    Networks: Object.fromEntries(Object.entries(networks).map(([name, n]) => [name, endpoint(n)])),
    Mounts: [...((raw.Mounts as Record<string, unknown>[]) ?? [])]
      .map(anonymousVolumeNamed)
      .sort((a, b) => String(a.Destination).localeCompare(String(b.Destination))),
  }) as Record<string, unknown>;
}

/** 1.29 sends its mounts in no fixed order. */
function byTarget(mounts: unknown): unknown {
  return Array.isArray(mounts) ? [...(mounts as { Target: string }[])].sort((a, b) => a.Target.localeCompare(b.Target)) : mounts;
}

/** Link lists are sets; the engine keeps them in the order given. */
function sorted(list: unknown): unknown {
  return Array.isArray(list) ? [...(list as string[])].sort() : list;
}

/** An anonymous volume (the image's VOLUME) gets a random 64-hex name: same mount, different name. */
function anonymousVolumeNamed(mount: Record<string, unknown>): Record<string, unknown> {
  const name = String(mount.Name ?? '');
  if (mount.Type !== 'volume' || !/^[0-9a-f]{64}$/.test(name)) return mount;
  return { ...mount, Name: '<anonymous>', Source: String(mount.Source).replace(name, '<anonymous>') };
}

function networkView(raw: Record<string, unknown>): Record<string, unknown> {
  return emptyAsNull({
    Name: raw.Name,
    Scope: raw.Scope,
    Driver: raw.Driver,
    EnableIPv6: raw.EnableIPv6,
    IPAM: raw.IPAM,
    Internal: raw.Internal,
    Attachable: raw.Attachable,
    Ingress: raw.Ingress,
    Options: raw.Options,
    Labels: userLabels(raw.Labels),
  }) as Record<string, unknown>;
}

function volumeView(raw: Record<string, unknown>): Record<string, unknown> {
  return emptyAsNull({ Name: raw.Name, Driver: raw.Driver, Options: raw.Options, Scope: raw.Scope, Labels: userLabels(raw.Labels), Mountpoint: raw.Mountpoint }) as Record<string, unknown>;
}

function snapshot(project: string, external: string): Snapshot {
  const label = `label=${LABEL.project}=${project}`;
  const out: Snapshot = { containers: {}, networks: {}, volumes: {} };
  const raws = ids(['ps', '-aq', '--filter', label]).map((id) => inspect('container', id));
  // 1.29 names a volumes_from container by id, devstack by name: both become the name
  const byId = (value: unknown): unknown =>
    JSON.parse(raws.reduce((text, r) => text.replaceAll(String(r.Id), String(r.Name).slice(1)), JSON.stringify(value)));
  for (const raw of raws) {
    const service = (raw.Config as { Labels: Record<string, string> }).Labels[LABEL.service]!;
    const view = containerView(raw);
    view.HostConfig = byId(view.HostConfig);
    out.containers[service] = neutralNames(view, project, external) as Record<string, unknown>;
  }
  for (const id of ids(['network', 'ls', '-q', '--filter', label])) {
    const view = neutralNames(networkView(inspect('network', id)), project, external) as Record<string, unknown>;
    out.networks[String(view.Name)] = view;
  }
  for (const name of ids(['volume', 'ls', '-q', '--filter', label])) {
    const view = neutralNames(volumeView(inspect('volume', name)), project, external) as Record<string, unknown>;
    out.volumes[String(view.Name)] = view;
  }
  return out;
}

/** Every leaf path where a and b differ ("HostConfig.ShmSize: 134217728 ≠ 0"); `scope` names the service. */
function differences(a: unknown, b: unknown, path = '', scope = ''): string[] {
  if (EXPECTED_DIFFERENCES[path] !== undefined || EXPECTED_DIFFERENCES[`${scope}:${path}`] !== undefined) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences(a[k], b[k], path === '' ? k : `${path}.${k}`, scope));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: docker-compose ${JSON.stringify(a)} ≠ devstack ${JSON.stringify(b)}`];
}


describe('every key: devstack up creates what docker-compose 1.29 creates (docker inspect, field by field)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsfidelity-'));
  const p1 = uniqueName('dsfidelityc');
  const p2 = uniqueName('dsfidelityd');
  const external = uniqueName('dsfidelityext');
  let compose: Snapshot;
  let devstack: Snapshot;

  beforeAll(() => {
    requireEngine();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE.replaceAll('EXTERNAL', external).replaceAll('BLOCKDEV', blockDevice()));
    // the target of external_links: a container of this test's own, labelled so cleanup finds it
    execFileSync('docker', ['create', '--name', external, '--label', `${LABEL.project}=${external}`, 'redis:7-alpine', 'sleep', 'infinity']);
    run('docker-compose', ['-p', p1, 'up', '--no-start'], dir);
    run('docker-compose', ['-p', p1, 'start'], dir); // connects the secondary networks, as devstack's up does
    compose = snapshot(p1, external);
    run('docker-compose', ['-p', p1, 'down', '-v'], dir);
    run(join(REPO, 'bin/devstack'), ['up', '-p', p2], dir);
    devstack = snapshot(p2, external);
  }, 300_000);

  afterAll(() => {
    removeProjectObjects(p1);
    removeProjectObjects(p2);
    removeProjectObjects(external);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the same containers, networks and volumes', () => {
    expect(Object.keys(devstack.containers).sort()).toEqual(Object.keys(compose.containers).sort());
    expect(Object.keys(devstack.networks).sort()).toEqual(Object.keys(compose.networks).sort());
    expect(Object.keys(devstack.volumes).sort()).toEqual(Object.keys(compose.volumes).sort());
    expect(Object.keys(compose.containers).sort()).toEqual([...SERVICES].sort());
  });

  for (const service of SERVICES) {
    it(`${service}: Config, HostConfig, networks and mounts are the ones docker-compose sets`, () => {
      expect(differences(compose.containers[service], devstack.containers[service], '', service)).toEqual([]);
    });
  }

  it('networks and volumes carry the same driver, options, IPAM, flags and labels', () => {
    expect(differences(compose.networks, devstack.networks)).toEqual([]);
    expect(differences(compose.volumes, devstack.volumes)).toEqual([]);
  });

  it('the comparison sees the keys (not two empty inspects)', () => {
    const host = devstack.containers.limits!.HostConfig as Record<string, unknown>;
    expect(host.ShmSize).toBe(128 * 1024 * 1024);
    expect(host.Ulimits).toEqual([
      { Name: 'nofile', Hard: 2048, Soft: 1024 },
      { Name: 'nproc', Hard: 512, Soft: 512 },
    ]);
    const peer = devstack.containers.peer!.HostConfig as Record<string, unknown>;
    expect(peer.NanoCpus).toBe(250_000_000);
    expect(peer.VolumesFrom).toEqual(['<P>-pinned-1:ro']);
    expect((devstack.containers.sidecar!.HostConfig as Record<string, unknown>).NetworkMode).toBe('container:<P>-pinned-1');
    // on a user-defined network the engine keeps links on the endpoint
    expect((devstack.containers.peer!.Networks as Record<string, { Links: string[] }>)['<P>_default']!.Links).toContain('<P>-limits-1:lim');
    expect((devstack.networks['<P>_back']!.IPAM as { Config: unknown[] }).Config).toHaveLength(1);
  });
});
