// The host keys of a service (limits, isolation, devices, DNS, logging, deploy.resources) shaped like
// `docker compose config` prints them: sizes as byte strings, cpus as a number, devices in long form.
import type { BlkioConfig, DeployResources, HostOptions } from '../core/model.js';

export function renderHostOptions(h: HostOptions | undefined): Record<string, unknown> {
  if (h === undefined) return {};
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) out[key] = value;
  };
  const size = (bytes: number | undefined): string | undefined => (bytes === undefined ? undefined : String(bytes));
  set('blkio_config', h.blkio && renderBlkio(h.blkio));
  set('cap_add', h.capAdd);
  set('cap_drop', h.capDrop);
  set('cgroup', h.cgroup);
  set('cgroup_parent', h.cgroupParent);
  set('cpu_period', h.cpuPeriod);
  set('cpu_quota', h.cpuQuota);
  set('cpu_rt_period', h.cpuRtPeriod);
  set('cpu_rt_runtime', h.cpuRtRuntime);
  set('cpu_shares', h.cpuShares);
  set('cpus', h.cpus);
  set('cpuset', h.cpuset);
  set('device_cgroup_rules', h.deviceCgroupRules);
  set('devices', h.devices?.map((d) => ({ source: d.source, target: d.target, permissions: d.permissions })));
  set('dns', h.dns);
  set('dns_opt', h.dnsOpt);
  set('dns_search', h.dnsSearch);
  set('group_add', h.groupAdd);
  set('ipc', h.ipc);
  set('logging', h.logging && { ...(h.logging.driver ? { driver: h.logging.driver } : {}), ...(Object.keys(h.logging.options).length > 0 ? { options: h.logging.options } : {}) });
  set('mem_limit', size(h.memLimit));
  set('mem_reservation', size(h.memReservation));
  set('mem_swappiness', h.memSwappiness);
  set('memswap_limit', h.memswapLimit === -1 ? -1 : size(h.memswapLimit));
  set('oom_kill_disable', h.oomKillDisable);
  set('oom_score_adj', h.oomScoreAdj);
  set('pid', h.pid);
  set('pids_limit', h.pidsLimit);
  set('read_only', h.readOnly);
  set('runtime', h.runtime);
  set('security_opt', h.securityOpt);
  set('shm_size', size(h.shmSize));
  set('storage_opt', h.storageOpt);
  set('sysctls', h.sysctls);
  set('tmpfs', h.tmpfs && Object.entries(h.tmpfs).map(([path, opts]) => (opts === '' ? path : `${path}:${opts}`)));
  set('ulimits', h.ulimits && Object.fromEntries(Object.entries(h.ulimits).map(([k, u]) => [k, u.soft === u.hard ? u.soft : { soft: u.soft, hard: u.hard }])));
  set('userns_mode', h.usernsMode);
  set('uts', h.uts);
  return out;
}

function renderBlkio(b: BlkioConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (b.weight !== undefined) out.weight = b.weight;
  if (b.weightDevice.length > 0) out.weight_device = b.weightDevice;
  const lists = [
    ['device_read_bps', b.deviceReadBps],
    ['device_read_iops', b.deviceReadIops],
    ['device_write_bps', b.deviceWriteBps],
    ['device_write_iops', b.deviceWriteIops],
  ] as const;
  for (const [key, list] of lists) if (list.length > 0) out[key] = list.map((d) => ({ path: d.path, rate: d.rate }));
  return out;
}

export function renderDeployResources(d: DeployResources | undefined): Record<string, unknown> | undefined {
  if (d === undefined) return undefined;
  const resources: Record<string, unknown> = {};
  if (d.limits) {
    resources.limits = {
      ...(d.limits.cpus === undefined ? {} : { cpus: d.limits.cpus }),
      ...(d.limits.memory === undefined ? {} : { memory: String(d.limits.memory) }),
      ...(d.limits.pids === undefined ? {} : { pids: d.limits.pids }),
    };
  }
  if (d.reservations) {
    resources.reservations = {
      ...(d.reservations.cpus === undefined ? {} : { cpus: d.reservations.cpus }),
      ...(d.reservations.memory === undefined ? {} : { memory: String(d.reservations.memory) }),
      ...(d.reservations.devices.length > 0
        ? {
            devices: d.reservations.devices.map((r) => ({
              capabilities: r.capabilities,
              ...(r.driver === undefined ? {} : { driver: r.driver }),
              ...(r.count === undefined ? {} : { count: r.count === -1 ? 'all' : r.count }),
              ...(r.deviceIds === undefined ? {} : { device_ids: r.deviceIds }),
              ...(r.options === undefined ? {} : { options: r.options }),
            })),
          }
        : {}),
    };
  }
  return { resources };
}
