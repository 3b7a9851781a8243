// Each container/network/volume key compose applies → the model → the container request → the Engine API
// body (HostConfig, Config, NetworkingConfig), in compose's units. Cases written from the compose spec's text.
import { describe, expect, it } from 'vitest';
import { normalizeService, type ServiceContext } from '../../../src/compose/normalize/service.js';
import { child, isMap } from '../../../src/compose/node.js';
import { parseYamlSource } from '../../../src/compose/yaml-source.js';
import { renderComposeConfig } from '../../../src/compose/render-config.js';
import { containerSpecFor } from '../../../src/core/container-spec.js';
import type { Project, ServiceConfig } from '../../../src/core/model.js';
import { toCreateOptions } from '../../../src/engine/docker/container-request.js';
import { toIpam } from '../../../src/engine/docker/docker-engine.js';
import { buildQuery } from '../../../src/engine/docker/build-image.js';
import { readBuildContextFacts } from '../../../src/engine/docker/build-context-facts.js';
import { createBuildContext, resolveBuildPaths } from '../../../src/engine/docker/build-context.js';
import tarStream from 'tar-stream';
import { loadYaml } from './temp-project.js';

const MiB = 1024 * 1024;

/** Normalizes one service written in YAML without the schema (for keys the schema here does not know yet). */
function serviceOf(yaml: string, extra: Partial<ServiceContext> = {}): { config: ServiceConfig; ctx: ServiceContext } {
  const { root } = parseYamlSource(`services:\n  s:\n${yaml.replace(/^/gm, '    ')}`, '/p/compose.yaml');
  const services = child(root, 'services');
  if (!isMap(services)) throw new Error('no services');
  const ctx: ServiceContext = {
    projectDir: '/p',
    homeDir: '/home/u',
    lookup: () => undefined,
    declaredVolumes: new Set(['data']),
    declaredNetworks: new Set(['default', 'back', 'front']),
    declaredSecrets: new Map(),
    declaredConfigs: new Map(),
    issues: [],
    warnings: [],
    ...extra,
  };
  return { config: normalizeService(services.entries.get('s')!, ctx).config, ctx };
}

function projectWith(s: ServiceConfig, others: ServiceConfig[] = []): Project {
  return {
    name: 'demo',
    workingDir: '/p',
    composeFiles: ['/p/compose.yaml'],
    services: Object.fromEntries([s, ...others].map((x) => [x.name, x])),
    inactiveServices: [],
    networks: {
      default: { name: 'demo_default', external: false, labels: {} },
      back: { name: 'demo_back', external: false, labels: {} },
      front: { name: 'demo_front', external: false, labels: {} },
    },
    volumes: { data: { name: 'demo_data', external: false, labels: {} } },
  };
}

function createBody(s: ServiceConfig, others: ServiceConfig[] = []) {
  return toCreateOptions(containerSpecFor({ project: projectWith(s, others), service: s, ports: [] }).request);
}

function hostConfigOf(yaml: string): Record<string, unknown> {
  const { config, ctx } = serviceOf(yaml);
  expect(ctx.issues).toEqual([]);
  return createBody(config).HostConfig as Record<string, unknown>;
}

describe('service host keys → HostConfig', () => {
  it('sizes in bytes (binary units), as compose reads shm_size and the memory keys', () => {
    const h = hostConfigOf('image: x\nshm_size: 128m\nmem_limit: 1g\nmemswap_limit: -1\nmem_reservation: 512k\nmem_swappiness: 0');
    expect(h.ShmSize).toBe(128 * MiB);
    expect(h.Memory).toBe(1024 * MiB);
    expect(h.MemorySwap).toBe(-1);
    expect(h.MemoryReservation).toBe(512 * 1024);
    expect(h.MemorySwappiness).toBe(0);
    expect(hostConfigOf('image: x\nshm_size: 67108864').ShmSize).toBe(64 * MiB);
    expect(hostConfigOf('image: x\nshm_size: "2gb"').ShmSize).toBe(2048 * MiB);
  });

  it('cpus as NanoCpus; shares, quota, period, realtime times and cpuset as written', () => {
    const h = hostConfigOf('image: x\ncpus: 1.5\ncpu_shares: 512\ncpu_quota: 50000\ncpu_period: 100000\ncpu_rt_runtime: 400ms\ncpu_rt_period: 1000000\ncpuset: 0-1');
    expect(h).toMatchObject({ NanoCpus: 1_500_000_000, CpuShares: 512, CpuQuota: 50000, CpuPeriod: 100000, CpuRealtimeRuntime: 400_000, CpuRealtimePeriod: 1_000_000, CpusetCpus: '0-1' });
  });

  it('capabilities, ulimits (single and soft/hard), tmpfs, sysctls in both forms, pids, oom', () => {
    const h = hostConfigOf(
      [
        'image: x',
        'cap_add: [NET_ADMIN]',
        'cap_drop: [ALL]',
        'ulimits:',
        '  nproc: 65535',
        '  nofile: {soft: 20000, hard: 40000}',
        'tmpfs: /run',
        'sysctls: ["net.core.somaxconn=1024", "net.ipv4.tcp_syncookies=0"]',
        'pids_limit: 200',
        'oom_kill_disable: true',
        'oom_score_adj: -500',
      ].join('\n'),
    );
    expect(h.CapAdd).toEqual(['NET_ADMIN']);
    expect(h.CapDrop).toEqual(['ALL']);
    expect(h.Ulimits).toEqual([
      { Name: 'nproc', Soft: 65535, Hard: 65535 },
      { Name: 'nofile', Soft: 20000, Hard: 40000 },
    ]);
    expect(h.Tmpfs).toEqual({ '/run': '' });
    expect(h.Sysctls).toEqual({ 'net.core.somaxconn': '1024', 'net.ipv4.tcp_syncookies': '0' });
    expect(h.PidsLimit).toBe(200);
    expect(h.OomKillDisable).toBe(true);
    expect(h.OomScoreAdj).toBe(-500);
    expect(hostConfigOf('image: x\ntmpfs: ["/run:size=1m,uid=1000", /tmp]').Tmpfs).toEqual({ '/run': 'size=1m,uid=1000', '/tmp': '' });
  });

  it('blkio_config: weight, per-device weight, byte rates (sizes) and IO rates', () => {
    const h = hostConfigOf(
      [
        'image: x',
        'blkio_config:',
        '  weight: 300',
        '  weight_device: [{path: /dev/sda, weight: 400}]',
        '  device_read_bps: [{path: /dev/sda, rate: 12mb}]',
        '  device_write_bps: [{path: /dev/sda, rate: 1024k}]',
        '  device_read_iops: [{path: /dev/sda, rate: 120}]',
        '  device_write_iops: [{path: /dev/sda, rate: 30}]',
      ].join('\n'),
    );
    expect(h).toMatchObject({
      BlkioWeight: 300,
      BlkioWeightDevice: [{ Path: '/dev/sda', Weight: 400 }],
      BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 12 * MiB }],
      BlkioDeviceWriteBps: [{ Path: '/dev/sda', Rate: MiB }],
      BlkioDeviceReadIOps: [{ Path: '/dev/sda', Rate: 120 }],
      BlkioDeviceWriteIOps: [{ Path: '/dev/sda', Rate: 30 }],
    });
  });

  it('logging driver and options', () => {
    expect(hostConfigOf('image: x\nlogging:\n  driver: syslog\n  options: {syslog-address: "tcp://192.168.0.42:123"}').LogConfig).toEqual({
      Type: 'syslog',
      Config: { 'syslog-address': 'tcp://192.168.0.42:123' },
    });
  });

  it('devices in short and long form, cgroup rules', () => {
    const h = hostConfigOf(
      'image: x\ndevices:\n  - /dev/ttyUSB0:/dev/ttyUSB1\n  - /dev/sda:/dev/xvda:r\n  - /dev/fuse\n  - {source: /dev/kvm, target: /dev/kvm, permissions: rw}\ndevice_cgroup_rules: ["c 1:3 mr"]',
    );
    expect(h.Devices).toEqual([
      { PathOnHost: '/dev/ttyUSB0', PathInContainer: '/dev/ttyUSB1', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' },
      { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rw' },
    ]);
    expect(h.DeviceCgroupRules).toEqual(['c 1:3 mr']);
  });

  it('dns (string or list), dns_search, dns_opt, group_add and the namespace modes', () => {
    const h = hostConfigOf(
      'image: x\ndns: 8.8.8.8\ndns_search: [dc1.example.com]\ndns_opt: [use-vc]\ngroup_add: [mail]\nipc: host\npid: host\ncgroup: private\nuts: host\nuserns_mode: host\ncgroup_parent: m-executor-abcd',
    );
    expect(h).toMatchObject({
      Dns: ['8.8.8.8'],
      DnsSearch: ['dc1.example.com'],
      DnsOptions: ['use-vc'],
      GroupAdd: ['mail'],
      IpcMode: 'host',
      PidMode: 'host',
      CgroupnsMode: 'private',
      UTSMode: 'host',
      UsernsMode: 'host',
      CgroupParent: 'm-executor-abcd',
    });
  });

  it('read_only, security_opt (systempaths=unconfined clears the masked paths), storage_opt, runtime', () => {
    const h = hostConfigOf('image: x\nread_only: true\nsecurity_opt: [label=user:USER, systempaths=unconfined]\nstorage_opt: {size: 1G}\nruntime: runc');
    expect(h).toMatchObject({ ReadonlyRootfs: true, SecurityOpt: ['label=user:USER'], MaskedPaths: [], ReadonlyPaths: [], StorageOpt: { size: '1G' }, Runtime: 'runc' });
  });

  it('a seccomp profile file is sent as its compacted JSON (as compose does); an unreadable one is a located error', async () => {
    const project = await loadYaml('services:\n  s:\n    image: x\n    security_opt: ["seccomp=./seccomp.json", "seccomp=unconfined"]\n', {}, {
      'seccomp.json': '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n',
    });
    expect(project.services.s!.host!.securityOpt).toEqual(['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', 'seccomp=unconfined']);
    const { ctx } = serviceOf('image: x\nsecurity_opt: ["seccomp:missing.json"]');
    expect(ctx.issues).toEqual([{ location: { file: '/p/compose.yaml', line: 4, col: 19 }, message: expect.stringContaining('seccomp profile /p/missing.json cannot be read') }]);
  });

  it('domainname, mac_address and platform go to Config and the create query', () => {
    const { config } = serviceOf('image: x\ndomainname: foo.example\nmac_address: 02:42:ac:11:65:43\nplatform: linux/amd64');
    const body = createBody(config) as Record<string, unknown>;
    expect(body.Domainname).toBe('foo.example');
    expect(body.MacAddress).toBe('02:42:ac:11:65:43');
    expect(body.platform).toBe('linux/amd64');
  });

  it('a service with none of these keys sends none of these fields', () => {
    const h = hostConfigOf('image: x');
    for (const field of ['ShmSize', 'Memory', 'NanoCpus', 'Ulimits', 'CapAdd', 'LogConfig', 'Dns', 'Links', 'Binds']) expect(h[field]).toBeUndefined();
  });

  it('an unreadable size is a located error naming the key', () => {
    const { ctx } = serviceOf('image: x\nshm_size: lots');
    expect(ctx.issues).toHaveLength(1);
    expect(ctx.issues[0]!.location).toMatchObject({ file: '/p/compose.yaml', line: 4 });
    expect(ctx.issues[0]!.message).toContain('services.s.shm_size');
  });
});

describe('deploy.resources', () => {
  it('limits override the service keys (memory, cpus, pids); reservations set memory and device requests', () => {
    const { config } = serviceOf(
      [
        'image: x',
        'mem_limit: 1g',
        'cpus: 2',
        'deploy:',
        '  resources:',
        '    limits: {cpus: "0.50", memory: 50M, pids: 1}',
        '    reservations:',
        '      cpus: "0.25"',
        '      memory: 20M',
        '      devices: [{driver: nvidia, count: 1, capabilities: [gpu]}, {capabilities: [tpu], device_ids: ["0", "3"]}]',
      ].join('\n'),
    );
    const h = createBody(config).HostConfig as Record<string, unknown>;
    expect(h).toMatchObject({ Memory: 50 * MiB, NanoCpus: 500_000_000, PidsLimit: 1, MemoryReservation: 20 * MiB });
    expect(h.DeviceRequests).toEqual([
      { Driver: 'nvidia', Count: 1, DeviceIDs: [], Capabilities: [['gpu']], Options: {} },
      { Driver: '', Count: 0, DeviceIDs: ['0', '3'], Capabilities: [['tpu']], Options: {} },
    ]);
  });

  it('deploy.restart_policy and Windows-only or unsupported keys get one located warning each, naming the key', () => {
    const { ctx } = serviceOf('image: x\ngpus: all\ncpu_count: 2\ndeploy:\n  restart_policy: {condition: on-failure}');
    expect(ctx.warnings).toEqual([
      expect.stringMatching(/^\/p\/compose\.yaml:4:5: services\.s\.gpus is not applied: /),
      expect.stringMatching(/^\/p\/compose\.yaml:5:5: services\.s\.cpu_count is not applied: /),
      expect.stringMatching(/^\/p\/compose\.yaml:7:7: services\.s\.deploy\.restart_policy is not applied: /),
    ]);
  });
});

describe('keys the current spec has and devstack does not send', () => {
  it('annotations, hooks, use_api_socket and the newer endpoint keys are each named in one located warning', () => {
    const { ctx } = serviceOf('image: x\nannotations: {a: b}\npost_start: [{command: [x]}]\nuse_api_socket: true\nnetworks:\n  back: {gw_priority: 1, interface_name: eth7}');
    expect(ctx.warnings).toEqual([
      expect.stringMatching(/^\/p\/compose\.yaml:4:5: services\.s\.annotations is not applied: /),
      expect.stringMatching(/^\/p\/compose\.yaml:6:5: services\.s\.use_api_socket is not applied: /),
      expect.stringMatching(/^\/p\/compose\.yaml:5:5: services\.s\.post_start is not applied: /),
      expect.stringMatching(/^\/p\/compose\.yaml:8:14: services\.s\.networks\.back\.gw_priority is not applied: /),
      expect.stringMatching(/^\/p\/compose\.yaml:8:30: services\.s\.networks\.back\.interface_name is not applied: /),
    ]);
  });
});

describe('links, networks and mounts', () => {
  it('links name the linked container three ways (as compose does) and make it a dependency; external_links as written', () => {
    const { config } = serviceOf('image: x\nlinks: ["db:database", cache]\nexternal_links: ["redis_1", "project_db_1:mysql"]');
    expect(config.dependsOn).toMatchObject({ db: { condition: 'service_started' }, cache: { condition: 'service_started' } });
    const db = serviceOf('image: x').config;
    const body = createBody(config, [{ ...db, name: 'db' }, { ...db, name: 'cache', containerName: 'my-cache' }]);
    const links = ['demo-db-1:database', 'demo-db-1:db-1', 'demo-db-1:demo-db-1', 'my-cache:cache', 'my-cache:cache-1', 'my-cache:demo-cache-1', 'redis_1:redis_1', 'project_db_1:mysql'];
    expect(body.HostConfig?.Links).toEqual(links);
    expect(body.NetworkingConfig?.EndpointsConfig?.demo_default?.Links).toEqual(links);
  });

  it("volumes_from names the service's container (a dependency) or the container given, with its mode", () => {
    const { config } = serviceOf('image: x\nvolumes_from: ["db:ro", "container:legacy", "container:other:rw"]');
    expect(config.dependsOn).toMatchObject({ db: { condition: 'service_started' } });
    expect(Object.keys(config.dependsOn)).toEqual(['db']);
    const db = { ...serviceOf('image: x').config, name: 'db' };
    expect(createBody(config, [db]).HostConfig?.VolumesFrom).toEqual(['demo-db-1:ro', 'legacy', 'other:rw']);
  });

  it('the highest-priority network is the one created with; endpoint IPs, link-local IPs, MAC and driver options go with it', () => {
    const { config, ctx } = serviceOf(
      [
        'image: x',
        'networks:',
        '  front: {}',
        '  back:',
        '    priority: 100',
        '    ipv4_address: 172.16.238.10',
        '    ipv6_address: "2001:3984:3989::10"',
        '    link_local_ips: [57.123.22.11]',
        '    mac_address: 02:42:ac:11:00:02',
        '    driver_opts: {com.docker.network.endpoint.sysctls: "net.ipv4.conf.IFNAME.log_martians=1"}',
      ].join('\n'),
    );
    expect(ctx.issues).toEqual([]);
    const spec = containerSpecFor({ project: projectWith(config), service: config, ports: [] }).request;
    expect(spec.networks.map((n) => n.name)).toEqual(['demo_back', 'demo_front']);
    const body = toCreateOptions(spec) as Record<string, unknown> & ReturnType<typeof toCreateOptions>;
    expect(body.HostConfig?.NetworkMode).toBe('demo_back');
    expect(body.MacAddress).toBe('02:42:ac:11:00:02'); // API < 1.44 takes the primary endpoint's MAC on Config
    expect(body.NetworkingConfig?.EndpointsConfig?.demo_back).toEqual({
      Aliases: ['s'],
      IPAMConfig: { IPv4Address: '172.16.238.10', IPv6Address: '2001:3984:3989::10', LinkLocalIPs: ['57.123.22.11'] },
      MacAddress: '02:42:ac:11:00:02',
      DriverOpts: { 'com.docker.network.endpoint.sysctls': 'net.ipv4.conf.IFNAME.log_martians=1' },
    });
  });

  it('a mac_address on a network other than the first is named in a warning (engines before API 1.44 ignore it)', () => {
    const { ctx } = serviceOf('image: x\nnetworks:\n  back: {mac_address: 02:42:ac:11:00:02}\n  front: {mac_address: 02:42:ac:11:00:03}');
    expect(ctx.warnings).toEqual([expect.stringMatching(/^\/p\/compose\.yaml:6:15: services\.s\.networks\.front\.mac_address needs Docker Engine API 1\.44/)]);
  });

  it('without priorities the networks go in key order, as compose sorts them', () => {
    const { config } = serviceOf('image: x\nnetworks: [front, back]');
    expect(containerSpecFor({ project: projectWith(config), service: config, ports: [] }).request.networks.map((n) => n.name)).toEqual(['demo_back', 'demo_front']);
  });

  it("network_mode, ipc and pid service:NAME join that service's container and depend on it", () => {
    const { config } = serviceOf('image: x\nnetwork_mode: service:vpn');
    expect(config.dependsOn).toMatchObject({ vpn: { condition: 'service_started' } });
    const vpn = { ...serviceOf('image: x').config, name: 'vpn' };
    expect(createBody(config, [vpn]).HostConfig?.NetworkMode).toBe('container:demo-vpn-1');
    const { config: sharing } = serviceOf('image: x\nipc: service:vpn\npid: "service:vpn"');
    expect(sharing.dependsOn).toMatchObject({ vpn: { condition: 'service_started' } });
    expect(createBody(sharing, [vpn]).HostConfig).toMatchObject({ IpcMode: 'container:demo-vpn-1', PidMode: 'container:demo-vpn-1' });
  });

  it('network_mode together with networks is refused at the networks key', () => {
    const { ctx } = serviceOf('image: x\nnetwork_mode: host\nnetworks: [back]');
    expect(ctx.issues).toEqual([{ location: { file: '/p/compose.yaml', line: 5, col: 5 }, message: expect.stringContaining('both network_mode and networks') }]);
  });

  it('tmpfs size/mode, bind propagation/selinux, volume nocopy/subpath; short binds go through Binds (which creates a missing host folder)', () => {
    const { config, ctx } = serviceOf(
      [
        'image: x',
        'volumes:',
        '  - {type: tmpfs, target: /cache, tmpfs: {size: 64m, mode: 1777}}',
        '  - {type: bind, source: ./src, target: /src, bind: {propagation: rshared}}',
        '  - {type: bind, source: ./lbl, target: /lbl, read_only: true, bind: {selinux: Z}}',
        '  - {type: volume, source: data, target: /data, volume: {nocopy: true, subpath: sub}}',
        '  - ./short:/short:ro,z',
        '  - ./plain:/plain',
      ].join('\n'),
    );
    expect(ctx.issues).toEqual([]);
    const h = createBody(config).HostConfig as Record<string, unknown>;
    expect(h.Mounts).toEqual([
      { Type: 'tmpfs', Source: '', Target: '/cache', ReadOnly: false, TmpfsOptions: { SizeBytes: 64 * MiB, Mode: 1777 } },
      { Type: 'bind', Source: '/p/src', Target: '/src', ReadOnly: false, BindOptions: { Propagation: 'rshared' } },
      { Type: 'volume', Source: 'demo_data', Target: '/data', ReadOnly: false, VolumeOptions: { NoCopy: true, Subpath: 'sub' } },
    ]);
    expect(h.Binds).toEqual(['/p/lbl:/lbl:ro,Z', '/p/short:/short:ro,z', '/p/plain:/plain:rw']);
  });
});

describe('top-level networks and volumes', () => {
  it('driver_opts, ipam, internal, attachable, enable_ipv6 and volume driver_opts reach the project, the create body and config', async () => {
    const project = await loadYaml(
      [
        'services: {s: {image: x, networks: [back], volumes: ["v:/v"]}}',
        'networks:',
        '  back:',
        '    driver: bridge',
        '    driver_opts: {com.docker.network.bridge.name: br-back}',
        '    ipam:',
        '      driver: default',
        '      config: [{subnet: 172.28.0.0/16, ip_range: 172.28.5.0/24, gateway: 172.28.5.254, aux_addresses: {host1: 172.28.1.5}}]',
        '    internal: true',
        '    attachable: true',
        '    enable_ipv6: true',
        'volumes:',
        '  v: {driver: local, driver_opts: {type: nfs, o: "addr=10.40.0.199,nolock,soft,rw", device: ":/docker/example"}}',
      ].join('\n'),
    );
    const back = project.networks.back!;
    expect(back).toMatchObject({ driver: 'bridge', driverOpts: { 'com.docker.network.bridge.name': 'br-back' }, internal: true, attachable: true, enableIpv6: true });
    expect(toIpam(back.ipam!)).toEqual({
      Driver: 'default',
      Config: [{ Subnet: '172.28.0.0/16', IPRange: '172.28.5.0/24', Gateway: '172.28.5.254', AuxiliaryAddresses: { host1: '172.28.1.5' } }],
    });
    expect(project.volumes.v!.driverOpts).toEqual({ type: 'nfs', o: 'addr=10.40.0.199,nolock,soft,rw', device: ':/docker/example' });
    const rendered = renderComposeConfig(project, { showSecrets: false }) as { networks: Record<string, unknown>; volumes: Record<string, unknown> };
    expect(rendered.networks.back).toMatchObject({ internal: true, attachable: true, enable_ipv6: true, ipam: { driver: 'default', config: [{ subnet: '172.28.0.0/16' }] } });
    expect(rendered.volumes.v).toMatchObject({ driver_opts: { type: 'nfs' } });
  });
});

describe('config and the config hash', () => {
  it('config prints the host keys in compose canonical form (sizes as byte strings, devices long)', async () => {
    const project = await loadYaml('services:\n  s:\n    image: x\n    shm_size: 128m\n    mem_limit: 1g\n    cpus: 0.5\n    ulimits: {nproc: 10, nofile: {soft: 1, hard: 2}}\n    devices: [/dev/fuse]\n');
    const s = (renderComposeConfig(project, { showSecrets: false }).services as Record<string, Record<string, unknown>>).s!;
    expect(s).toMatchObject({
      shm_size: '134217728',
      mem_limit: '1073741824',
      cpus: 0.5,
      ulimits: { nproc: 10, nofile: { soft: 1, hard: 2 } },
      devices: [{ source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' }],
    });
  });

  it('changing shm_size (or any host key, deploy limit or network setting) changes the hash, so up recreates', () => {
    const hash = (yaml: string) => {
      const { config } = serviceOf(yaml);
      return containerSpecFor({ project: projectWith(config), service: config, ports: [] }).hash;
    };
    const base = hash('image: x\nshm_size: 64m');
    expect(hash('image: x\nshm_size: 64m')).toBe(base);
    expect(hash('image: x\nshm_size: 128m')).not.toBe(base);
    expect(hash('image: x\nshm_size: 64m\nulimits: {nofile: 1024}')).not.toBe(base);
    expect(hash('image: x\nshm_size: 64m\ndeploy: {resources: {limits: {memory: 1g}}}')).not.toBe(base);
    expect(hash('image: x\nshm_size: 64m\nnetworks: {default: {ipv4_address: 10.0.0.5}}')).not.toBe(base);
  });
});

describe('build keys', () => {
  it('dockerfile_inline is kept (not turned into dockerfile: Dockerfile), sent in the context, and printed by config', async () => {
    const project = await loadYaml('services:\n  s:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM scratch\n        LABEL a=b\n');
    const build = project.services.s!.build!;
    expect(build.dockerfileInline).toBe('FROM scratch\nLABEL a=b\n');
    const rendered = (renderComposeConfig(project, { showSecrets: false }).services as Record<string, { build: Record<string, unknown> }>).s!.build;
    expect(rendered.dockerfile_inline).toBe('FROM scratch\nLABEL a=b\n');
    expect(rendered.dockerfile).toBeUndefined();
    const paths = await resolveBuildPaths({ context: build.context, dockerfile: build.dockerfile, dockerfileInline: build.dockerfileInline! });
    const names: Record<string, string> = {};
    const extract = tarStream.extract();
    (await createBuildContext({ context: build.context, dockerfile: build.dockerfile, dockerfileInline: build.dockerfileInline! })).pipe(
      extract as unknown as NodeJS.WritableStream,
    );
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      names[entry.header.name] = Buffer.concat(chunks).toString();
    }
    expect(names[paths.dockerfileInContext]).toBe('FROM scratch\nLABEL a=b\n');
  });

  it('network, cache_from, extra_hosts (both forms), shm_size, tags and the platform reach the /build query', async () => {
    const project = await loadYaml(
      'services:\n  s:\n    platform: linux/amd64\n    build:\n      context: .\n      network: host\n      cache_from: [app:cache]\n      extra_hosts: ["db=10.0.0.2", "cache:10.0.0.3"]\n      shm_size: 256m\n      tags: [app:dev, app:latest]\n      target: dev\n',
    );
    const b = project.services.s!.build!;
    expect(b).toMatchObject({ network: 'host', cacheFrom: ['app:cache'], extraHosts: ['db:10.0.0.2', 'cache:10.0.0.3'], shmSize: 256 * MiB, tags: ['app:dev', 'app:latest'], target: 'dev' });
    const query = buildQuery(
      { context: b.context, dockerfile: b.dockerfile, tag: 'demo-s', args: {}, labels: {}, network: b.network!, cacheFrom: b.cacheFrom!, extraHosts: b.extraHosts!, shmSize: b.shmSize!, extraTags: b.tags!, platform: 'linux/amd64' },
      'Dockerfile',
    );
    expect(query).toMatchObject({
      t: ['demo-s', 'app:dev', 'app:latest'],
      networkmode: 'host',
      cachefrom: '["app:cache"]',
      extrahosts: 'db:10.0.0.2,cache:10.0.0.3',
      shmsize: 256 * MiB,
      platform: 'linux/amd64',
    });
  });

  it('build keys the classic builder cannot apply get one located warning each', () => {
    const { ctx } = serviceOf('build:\n  context: .\n  ssh: [default]\n  secrets: [token]\n  platforms: [linux/amd64, linux/arm64]');
    expect(ctx.warnings).toEqual([
      expect.stringMatching(/^\/p\/compose\.yaml:5:7: services\.s\.build\.ssh is not applied: .*BuildKit/),
      expect.stringMatching(/^\/p\/compose\.yaml:6:7: services\.s\.build\.secrets is not applied: .*BuildKit/),
      expect.stringMatching(/^\/p\/compose\.yaml:7:7: services\.s\.build\.platforms: .*first only/),
    ]);
  });

  it('volume.subpath is applied, and named in a warning for engines older than API 1.45', () => {
    const { config, ctx } = serviceOf('image: x\nvolumes: [{type: volume, source: data, target: /d, volume: {subpath: sub}}]');
    expect(config.volumes[0]).toMatchObject({ subpath: 'sub' });
    expect(ctx.warnings).toEqual([expect.stringMatching(/^\/p\/compose\.yaml:\d+:\d+: services\.s\.volumes\[0\]\.volume\.subpath needs Docker Engine API 1\.45/)]);
  });
});

describe('doctor reads a dockerfile_inline as the Dockerfile', () => {
  it('gives its text, not "Dockerfile does not exist"', async () => {
    const project = await loadYaml('services:\n  s:\n    build:\n      context: .\n      dockerfile_inline: "FROM scratch\\n"\n');
    const facts = await readBuildContextFacts(project.services.s!);
    expect(facts.dockerfileText).toBe('FROM scratch\n');
    expect(facts.dockerfile).toContain('(dockerfile_inline)');
  });
});
