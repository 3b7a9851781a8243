// Can a service's container user use the project folders it bind-mounts? On Linux a bind mount keeps the host's
// owners and modes, so a user whose uid is not the folder's owner gets the group or "other" bits: a clone owned by
// uid 1000 with 0755 folders is readable but not writable by uid 1001, and a 0700 one not even readable. Pure: the
// caller reads the folders' owners and modes and the user the service runs as.
import type { ServiceConfig, SourceLocation } from './model.js';
import { parseDockerfile } from './dockerfile-checks.js';

export interface FolderOwner { uid: number; gid: number; mode: number }
/** A numeric container user; gid undefined when the spec names none (its primary group is then unknown). */
export interface ContainerUser { uid: number; gid?: number; spec: string }

/** `user:` / USER text → numeric ids; undefined for a name devstack cannot map without the image (root is 0). */
export function numericUser(spec: string): ContainerUser | undefined {
  const [user = '', group] = spec.trim().split(':');
  const id = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : s === 'root' ? 0 : /^\d+$/.test(s) ? Number(s) : Number.NaN);
  const uid = id(user === '' ? 'root' : user);
  const gid = id(group);
  if (uid === undefined || Number.isNaN(uid) || Number.isNaN(gid ?? 0)) return undefined;
  return { uid, ...(gid !== undefined ? { gid } : {}), spec: spec.trim() };
}

/**
 * The USER the final stage (or `target`) of a Dockerfile ends with, `${ARG}` references expanded from the build
 * args, then the ARG defaults; '' when there is none (root), undefined when a reference stays unresolved.
 */
export function dockerfileUser(text: string, args: Record<string, string>, target?: string): string | undefined {
  const { instructions, stages } = parseDockerfile(text);
  const stage = (target ? stages.find((s) => s.name?.toLowerCase() === target.toLowerCase()) : undefined) ?? stages.at(-1);
  if (!stage) return '';
  const defaults: Record<string, string> = {};
  let user = '';
  for (const i of instructions) {
    if (i.keyword === 'ARG' && (i.stage === -1 || i.stage === stage.index)) {
      for (const m of i.args.matchAll(/([A-Za-z_]\w*)(?:=("[^"]*"|'[^']*'|\S*))?/g)) if (m[2] !== undefined) defaults[m[1]!] = m[2].replace(/^["']|["']$/g, '');
    }
    if (i.stage === stage.index && i.keyword === 'USER') user = i.args.trim();
  }
  let unresolved = false;
  const expanded = user.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = args[name] ?? defaults[name] ?? fallback;
    if (value === undefined) unresolved = true;
    return value ?? '';
  });
  return unresolved ? undefined : expanded;
}

/** Read (r and x on a folder) or write (w and x) for `user` on a folder with these owners and mode. Root may. */
export function mayUse(user: ContainerUser, folder: FolderOwner, access: 'read' | 'write'): boolean {
  if (user.uid === 0) return true;
  const bits = user.uid === folder.uid ? (folder.mode >> 6) & 7 : user.gid !== undefined && user.gid === folder.gid ? (folder.mode >> 3) & 7 : folder.mode & 7;
  const need = access === 'read' ? 0o5 : 0o3;
  return (bits & need) === need;
}

export interface BindMountProblem {
  service: string;
  /** The bind mount's host folder and container path. */
  source: string;
  target: string;
  /** The mount's entry in the compose file (the service, when the mount has no location of its own). */
  location: SourceLocation;
  access: 'read' | 'write';
  message: string;
  hint: string;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;
/** `user 1001`, or `user nodejs (uid 1001)` for a name. */
const describeUser = (user: ContainerUser): string => (/^\d+(:\d+)?$/.test(user.spec) ? `user ${user.spec}` : `user ${user.spec} (uid ${user.uid})`);

/** One problem per project folder the service bind-mounts and its user cannot read (or write, unless read-only). */
export function bindMountProblems(
  service: ServiceConfig,
  user: ContainerUser,
  folders: { source: string; target: string; readOnly: boolean; owner: FolderOwner; shownAs: string; location?: SourceLocation }[],
): BindMountProblem[] {
  return folders.flatMap((f): BindMountProblem[] => {
    const access = !mayUse(user, f.owner, 'read') ? 'read' : !f.readOnly && !mayUse(user, f.owner, 'write') ? 'write' : undefined;
    if (!access) return [];
    const owner = `${f.owner.uid}:${f.owner.gid}`;
    return [{
      service: service.name,
      source: f.source,
      target: f.target,
      location: f.location ?? service.source,
      access,
      message: `${service.name} runs as ${describeUser(user)} and cannot ${access} ${f.shownAs} (owned by ${owner}, ${octal(f.owner.mode)}) bind-mounted at ${f.target}`,
      hint: `Run it as the folder's owner: \`user: "${owner}"\` on the service, or build its dev image with that uid/gid (\`devstack init\`'s Dockerfile.dev takes DEV_UID/DEV_GID build args, which devstack fills in from DEVSTACK_UID/GID)${f.readOnly || access === 'read' ? '' : `; or mount it read-only (\`${f.shownAs === 'the project folder' ? '.' : f.shownAs}:${f.target}:ro\`) if the app only reads it`}.`,
    }];
  });
}

const VALUE_OPTIONS = new Set(['-u', '-g', '-G', '-s', '-h', '-d', '-c', '-k', '-e', '-f', '-K', '-p', '--uid', '--gid', '--groups', '--shell', '--home', '--home-dir', '--comment', '--ingroup', '--gecos']);

/** The words of a user/group-creating command: its options (with values) and the names it is given. */
function readAccountCommand(words: string[]): { options: Map<string, string>; names: string[] } {
  const options = new Map<string, string>();
  const names: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const eq = /^(--[\w-]+)=(.*)$/.exec(word);
    if (eq) options.set(eq[1]!, eq[2]!);
    else if (VALUE_OPTIONS.has(word)) options.set(word, words[++i] ?? '');
    else if (!word.startsWith('-')) names.push(word);
  }
  return { options, names };
}

/**
 * A named USER mapped to ids through the Dockerfile's own RUN lines that create it (`useradd -u 1001 -g nodejs
 * nodejs`, busybox `adduser -S -u 1001 -G nodejs nodejs`, and their groups with groupadd/addgroup -g); undefined
 * when the Dockerfile does not say (a user the base image brings, like node's `node`).
 */
export function userFromDockerfile(text: string, spec: string): ContainerUser | undefined {
  const [name = '', groupSpec] = spec.trim().split(':');
  const groups = new Map<string, number>();
  const users = new Map<string, { uid: number; group?: string }>();
  for (const i of parseDockerfile(text).instructions) {
    if (i.keyword !== 'RUN') continue;
    for (const command of i.args.split(/&&|\|\||;|\n/)) {
      const words = command.trim().split(/\s+/);
      const program = words[0] ?? '';
      if (!/^(useradd|adduser|groupadd|addgroup)$/.test(program)) continue;
      const { options, names } = readAccountCommand(words);
      const first = names[0];
      if (!first) continue;
      if (program === 'groupadd' || program === 'addgroup') {
        const gid = options.get('-g') ?? options.get('--gid');
        if (gid && /^\d+$/.test(gid)) groups.set(first, Number(gid));
        continue;
      }
      const uid = options.get('-u') ?? options.get('--uid');
      if (!uid || !/^\d+$/.test(uid)) continue;
      const group = program === 'useradd' ? (options.get('-g') ?? options.get('--gid')) : (options.get('-G') ?? options.get('--ingroup') ?? names[1]);
      users.set(first, { uid: Number(uid), ...(group ? { group } : {}) });
    }
  }
  const user = /^\d+$/.test(name) ? { uid: Number(name) } : users.get(name);
  if (!user) return undefined;
  const groupName = groupSpec ?? ('group' in user ? user.group : undefined) ?? name;
  const gid = /^\d+$/.test(groupName) ? Number(groupName) : groups.get(groupName);
  return { uid: user.uid, ...(gid !== undefined ? { gid } : {}), spec: spec.trim() };
}
