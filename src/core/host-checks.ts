// What on this machine stops a newcomer, from facts read elsewhere: an engine socket the user may not use, a
// rootless or Podman socket that is there but not selected, keys of .env.example missing from .env, inotify
// limits below what the watch paths need, and low disk. Each answer names one fix; nothing is changed or deleted.

export type HostCheckStatus = 'ok' | 'info' | 'warn' | 'fail';
export interface HostFinding {
  rule: string;
  status: HostCheckStatus;
  message: string;
  hint?: string;
  /** `file:line` */
  location?: string;
}

export interface SocketAccessFacts {
  /** The socket devstack tried (DOCKER_HOST's unix path or the default). */
  socket: { path: string; exists: boolean; group?: { gid: number; name?: string }; mode?: number };
  user: string;
  /** /etc/group lists the user in the socket's group (added, but maybe not in this session yet). */
  listedInGroup: boolean;
  /** DOCKER_HOST is set. */
  dockerHostSet: boolean;
  /** Rootless Docker / Podman sockets that exist. */
  alternatives: string[];
}

/** Why the engine refused or was missing, in terms of sockets; [] when the facts say nothing more than the error. */
export function engineSocketFindings(reason: 'permission denied' | 'missing' | 'ok', f: SocketAccessFacts): HostFinding[] {
  const findings: HostFinding[] = [];
  const g = f.socket.group;
  if (reason === 'permission denied' && f.socket.exists && g) {
    const group = g.name ?? String(g.gid);
    findings.push({
      rule: 'engine-socket-permission',
      status: 'fail',
      message: f.listedInGroup
        ? `${f.socket.path} belongs to group ${group} (mode 0${(f.socket.mode ?? 0).toString(8)}); user ${f.user} was added to it, but this session started before that`
        : `${f.socket.path} belongs to group ${group} (mode 0${(f.socket.mode ?? 0).toString(8)}) and user ${f.user} is not in it`,
      hint: f.listedInGroup
        ? `Log out and back in (or run \`newgrp ${group}\` in this shell); \`id -nG\` must list ${group}.`
        : `sudo usermod -aG ${group} ${f.user}, then log out and back in (or run \`newgrp ${group}\` in this shell); \`id -nG\` must list ${group}.`,
    });
  }
  if (!f.dockerHostSet && reason !== 'ok' && f.alternatives.length > 0) {
    findings.push({
      rule: 'engine-socket-not-selected',
      status: 'fail',
      message: `${describeSocket(f.alternatives[0]!)} answers at ${f.alternatives[0]}, but devstack (like docker) uses ${f.socket.path} unless DOCKER_HOST says otherwise`,
      hint: `export DOCKER_HOST=unix://${f.alternatives[0]} (in your shell profile to keep it); \`docker context use rootless\` does the same for the docker CLI only.`,
    });
  } else if (!f.dockerHostSet && reason === 'ok' && f.alternatives.length > 0) {
    findings.push({
      rule: 'engine-socket-not-selected',
      status: 'info',
      message: `${describeSocket(f.alternatives[0]!)} also exists at ${f.alternatives[0]}; devstack uses ${f.socket.path}`,
      hint: `To use it instead: export DOCKER_HOST=unix://${f.alternatives[0]}`,
    });
  }
  return findings;
}

const describeSocket = (p: string): string => (p.includes('podman') ? 'A Podman socket' : 'A rootless Docker socket');

export interface EnvExampleFacts {
  /** e.g. .env.example, relative for messages. */
  exampleFile: string;
  exampleKeys: { name: string; line: number }[];
  envFile: string;
  /** undefined: there is no .env */
  envKeys: string[] | undefined;
  /** The shell sets it (compose reads the shell first). */
  inShell: (name: string) => boolean;
}

export function envExampleFindings(f: EnvExampleFacts): HostFinding[] {
  const have = new Set(f.envKeys ?? []);
  const missing = f.exampleKeys.filter((k) => !have.has(k.name) && !f.inShell(k.name));
  if (missing.length === 0) {
    return [{ rule: 'env-example-keys', status: 'ok', message: `${f.envFile} sets the ${f.exampleKeys.length} keys ${f.exampleFile} lists` }];
  }
  const names = missing.map((k) => k.name).join(', ');
  return [{
    rule: 'env-example-keys',
    status: 'warn',
    location: `${f.exampleFile}:${missing[0]!.line}`,
    message: f.envKeys === undefined
      ? `there is no ${f.envFile}, and ${f.exampleFile} lists ${missing.length} keys the project expects: ${names}`
      : `${f.envFile} lacks ${missing.length} of the keys ${f.exampleFile} lists: ${names}`,
    hint: f.envKeys === undefined ? `cp ${f.exampleFile} ${f.envFile}, then fill in the values (git ignores ${f.envFile}).` : `Add them to ${f.envFile} (see ${f.exampleFile} for what each one is): ${missing.map((k) => `${k.name}=…`).join(' ')}`,
  }];
}

export interface InotifyNeed {
  /** Folders under the watch paths (one watch each). */
  folders: number;
  maxUserWatches: number;
  /** Watches other processes of this user hold now. */
  watchesInUse: number;
  maxUserInstances: number;
  instancesInUse: number;
}

/** A limit with room: twice what is needed, rounded up to a power of two, at least 524288 for watches. */
const roomFor = (n: number, floor: number): number => Math.max(floor, 2 ** Math.ceil(Math.log2(Math.max(1, n * 2))));

export function inotifyFindings(n: InotifyNeed): HostFinding[] {
  const findings: HostFinding[] = [];
  const needed = n.folders + n.watchesInUse;
  if (needed > n.maxUserWatches) {
    const value = roomFor(needed, 524_288);
    findings.push({
      rule: 'inotify-watches',
      status: 'warn',
      message: `the watch paths hold ${n.folders} folders (one inotify watch each) and this user's processes hold ${n.watchesInUse} watches already; fs.inotify.max_user_watches is ${n.maxUserWatches}: the folders that do not fit are polled, which costs CPU`,
      hint: `sudo sysctl fs.inotify.max_user_watches=${value}; to keep it: echo fs.inotify.max_user_watches=${value} | sudo tee /etc/sysctl.d/60-inotify.conf`,
    });
  }
  if (n.instancesInUse + 1 > n.maxUserInstances) {
    const value = roomFor(n.instancesInUse + 1, 1024);
    findings.push({
      rule: 'inotify-instances',
      status: 'warn',
      message: `this user's processes hold ${n.instancesInUse} inotify instances and fs.inotify.max_user_instances is ${n.maxUserInstances}: watching cannot start one more and polls instead`,
      hint: `sudo sysctl fs.inotify.max_user_instances=${value}; to keep it: echo fs.inotify.max_user_instances=${value} | sudo tee -a /etc/sysctl.d/60-inotify.conf`,
    });
  }
  if (findings.length === 0) {
    findings.push({ rule: 'inotify-watches', status: 'ok', message: `inotify has room for the ${n.folders} watched folders (${needed} of ${n.maxUserWatches} watches, ${n.instancesInUse + 1} of ${n.maxUserInstances} instances)` });
  }
  return findings;
}

export interface DiskFacts {
  /** 'the engine\'s data root' | 'the project folder' */
  what: string;
  path: string;
  freeBytes: number;
  totalBytes: number;
  engine: boolean;
}

const GIB = 1024 ** 3;
/** Low: under 2 GiB free, or under 5 % of the file system. */
export const isLowDisk = (d: { freeBytes: number; totalBytes: number }): boolean => d.freeBytes < 2 * GIB || d.freeBytes < d.totalBytes * 0.05;
const size = (b: number): string => (b >= GIB ? `${(b / GIB).toFixed(1)} GiB` : `${Math.round(b / 1024 ** 2)} MiB`);

export function diskFindings(disks: DiskFacts[]): HostFinding[] {
  return disks.map((d): HostFinding => {
    if (!isLowDisk(d)) return { rule: 'low-disk', status: 'ok', message: `${d.what} (${d.path}) has ${size(d.freeBytes)} free of ${size(d.totalBytes)}` };
    return {
      rule: 'low-disk',
      status: 'warn',
      message: `${d.what} (${d.path}) has only ${size(d.freeBytes)} free of ${size(d.totalBytes)}: builds, pulls and database writes fail when it runs out`,
      hint: d.engine
        ? '`docker system df` shows what takes the space; what would free it: `docker builder prune` (build cache), `docker image prune` (untagged images), `devstack down -v` in projects you no longer use (their volumes: data). devstack deletes none of it.'
        : `\`du -xh --max-depth=1 ${d.path} | sort -h | tail\` shows the largest folders; node_modules, build output and caches are usually what can go. devstack deletes none of it.`,
    };
  });
}
