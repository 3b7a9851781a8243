// doctor's checks of this machine and of what the project expects of it: the engine socket (group, a rootless or
// Podman socket not selected), .env against .env.example / .env.sample, bind-mounted folders the container user
// cannot use, inotify room for the watch paths, and free disk on the project's and the engine's file systems.
// One function per check, each adding findings; the list in `hostChecks` is what doctor runs.
import path from 'node:path';
import type { EngineStatusPort, ImagePort } from '../core/engine.js';
import { diskFindings, engineSocketFindings, envExampleFindings, inotifyFindings, type DiskFacts, type HostFinding, type SocketAccessFacts } from '../core/host-checks.js';
import type { Project } from '../core/model.js';
import { findBindMountProblems, type BindMountFacts } from './bind-mount-check.js';
import type { DoctorArea, DoctorFinding } from './doctor.js';

export interface DoctorHostPort {
  bindMounts: BindMountFacts;
  socketAccess: () => SocketAccessFacts;
  envFileKeys: (file: string) => { name: string; line: number }[] | undefined;
  inotify: () => { maxUserWatches: number; maxUserInstances: number; instancesInUse: number; watchesInUse: number } | undefined;
  countFolders: (paths: string[]) => number;
  freeSpace: (p: string) => { freeBytes: number; totalBytes: number } | undefined;
  /** The shell's environment (compose reads it before .env). */
  shell: Record<string, string | undefined>;
}

export interface HostCheckInput {
  /** Where messages' paths are relative to. */
  cwd: string;
  project?: Project;
  /** Asked for the users images run as and for its data root. */
  engine?: EngineStatusPort & ImagePort;
  /** The engine's failure message, when it did not answer. */
  engineFailure?: string;
}

type HostCheck = (input: HostCheckInput, host: DoctorHostPort) => Promise<DoctorFinding[]>;

const as = (area: DoctorArea, findings: HostFinding[]): DoctorFinding[] =>
  findings.map((f) => ({ area, status: f.status, message: f.message, rule: f.rule, ...(f.hint ? { hint: f.hint } : {}), ...(f.location ? { location: f.location } : {}) }));

const engineSocket: HostCheck = async (input, host) => {
  const reason = input.engineFailure === undefined ? 'ok' : /permission denied/.test(input.engineFailure) ? 'permission denied' : 'missing';
  return as('engine', engineSocketFindings(reason, host.socketAccess()));
};

const envExample: HostCheck = async (input, host) => {
  const dir = input.project?.workingDir ?? input.cwd;
  for (const name of ['.env.example', '.env.sample']) {
    const exampleKeys = host.envFileKeys(path.join(dir, name));
    if (exampleKeys === undefined) continue;
    const envKeys = host.envFileKeys(path.join(dir, '.env'))?.map((k) => k.name);
    const shown = (f: string) => path.relative(input.cwd, path.join(dir, f)) || f;
    return as('env', envExampleFindings({ exampleFile: shown(name), exampleKeys, envFile: shown('.env'), envKeys, inShell: (k) => host.shell[k] !== undefined }));
  }
  return [];
};

const bindMounts: HostCheck = async (input, host) => {
  if (!input.project) return [];
  const facts: BindMountFacts = input.engine ? { ...host.bindMounts, imageUser: (ref) => input.engine!.imageUser(ref) } : host.bindMounts;
  const services = Object.values(input.project.services).sort((a, b) => a.name.localeCompare(b.name));
  const problems = await findBindMountProblems(input.project, services, facts);
  return problems.map((p): DoctorFinding => {
    const at = p.location;
    return {
      area: 'mounts',
      status: p.access === 'read' ? 'fail' : 'warn',
      kind: 'compose',
      rule: 'bind-mount-access',
      location: `${path.relative(input.cwd, at.file) || at.file}:${at.line}:${at.col}`,
      message: p.message,
      hint: p.hint,
    };
  });
};

const inotify: HostCheck = async (input, host) => {
  const paths = [...new Set(Object.values(input.project?.services ?? {}).flatMap((s) => s.develop?.watch.map((w) => w.path) ?? []))];
  if (paths.length === 0) return [];
  const limits = host.inotify();
  if (!limits) return [];
  return as('watch', inotifyFindings({ folders: host.countFolders(paths), ...limits }));
};

const disk: HostCheck = async (input, host) => {
  const disks: DiskFacts[] = [];
  const projectDir = input.project?.workingDir ?? input.cwd;
  const own = host.freeSpace(projectDir);
  if (own) disks.push({ what: 'the project folder\'s file system', path: projectDir, engine: false, ...own });
  const root = input.engine ? await input.engine.dataRoot().catch(() => undefined) : undefined;
  const engineSpace = root === undefined ? undefined : host.freeSpace(root);
  if (root !== undefined && engineSpace) disks.push({ what: 'the engine\'s data root', path: root, engine: true, ...engineSpace });
  return as('disk', diskFindings(disks));
};

/** The checks doctor runs, in order; add one here. */
export const hostChecks: HostCheck[] = [engineSocket, envExample, bindMounts, inotify, disk];

export async function checkHost(input: HostCheckInput, host: DoctorHostPort): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  for (const check of hostChecks) findings.push(...(await check(input, host)));
  return findings;
}
