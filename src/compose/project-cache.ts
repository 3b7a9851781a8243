// Loaded projects kept on disk, so the commands people run many times a day on an unchanged project (ps, logs,
// ports, env) skip YAML parsing, interpolation and schema validation. An entry is used only when every input of
// the load is as it was: the same request (working folder, flags, the compose files discovery finds, devstack's
// default variables, the build of the loader), the same content in every file the load read (compose, included,
// extended and env files, seccomp profiles, and the files of secrets and configs; a missing file counts as an
// input too), and the same value of every environment variable the load looked at (set or not). A load that
// fails is not kept: its errors come from a fresh load each time. The entry holds the project's warnings, which
// the caller prints as for a fresh load. Entries hold the project's values (env files included): owner-only files.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Project } from '../core/model.js';
import { composeFileVariable, discoverComposeFiles } from './discovery.js';
import type { LoadOptions } from './load-project.js';
import { fileStamp } from './source-files.js';

export { fileStamp };

export interface ProjectCache {
  /** The folder entries live in (one file per request). */
  dir: string;
  /** Names the loader's code (a build's stamp): an entry written by another build is not used. */
  build: string;
  /** Entries kept (default 200): writing one more removes the oldest written. */
  maxEntries?: number;
}

interface Entry {
  request: string;
  /** Every file the load depended on → its content digest (or `missing`). */
  files: Record<string, string>;
  /** Every environment variable the load looked at → its value (null: unset). */
  variables: Record<string, string | null>;
  project: Project;
}

/** `load(opts)`, or the project an earlier load of the same inputs produced. */
export async function loadProjectCached(opts: LoadOptions, cache: ProjectCache, load: (opts: LoadOptions) => Promise<Project>): Promise<Project> {
  const discovered = discoverComposeFiles(opts.cwd, opts.files ?? composeFileVariable(opts.environment), opts.projectDirectory);
  // Standard input is read once and gone: nothing to compare with next time.
  if (discovered.standardInput !== undefined) return load(opts);
  const request = JSON.stringify({
    build: cache.build,
    platform: process.platform,
    home: os.homedir(),
    cwd: opts.cwd,
    files: opts.files ?? null,
    projectDirectory: opts.projectDirectory ?? null,
    projectName: opts.projectName ?? null,
    profiles: opts.profiles ?? null,
    envFiles: opts.envFiles ?? null,
    discovered,
    defaults: opts.defaultEnvironment?.(discovered.projectDir) ?? {},
  });
  const entryFile = path.join(cache.dir, `${createHash('sha256').update(request).digest('hex').slice(0, 32)}.json`);
  const hit = readEntry(entryFile, request, opts.environment);
  if (hit !== undefined) return hit;

  const reads = { variables: {} as Record<string, string | null>, listed: false };
  const project = await load({ ...opts, environment: recordingReads(opts.environment, reads) });
  const files = reads.listed ? undefined : fileDigests(project);
  if (files !== undefined) {
    writeEntry(entryFile, { request, files, variables: reads.variables, project });
    removeOldest(cache.dir, cache.maxEntries ?? 200);
  }
  // As the entry will give it next time (keys whose value is undefined are not written): one shape, hit or miss.
  return JSON.parse(JSON.stringify(project)) as Project;
}

function readEntry(entryFile: string, request: string, environment: Record<string, string | undefined>): Project | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Entry;
  } catch {
    return undefined; // none yet, or unreadable: a fresh load writes a new one
  }
  if (entry.request !== request) return undefined;
  for (const [name, value] of Object.entries(entry.variables)) if ((environment[name] ?? null) !== value) return undefined;
  // Stamps taken just before each file is read, as a fresh load takes them (`watch` compares them later).
  const stamps: Record<string, string> = {};
  for (const [file, digest] of Object.entries(entry.files)) {
    stamps[file] = fileStamp(file);
    if (contentDigest(file) !== digest) return undefined;
  }
  const project = entry.project;
  if (project.configFiles) project.configStamps = Object.fromEntries(project.configFiles.map((f) => [f, stamps[f] ?? fileStamp(f)]));
  return project;
}

/**
 * The digest of every file `project` was loaded from; undefined when one changed after its read (its stamp
 * moved) or a secret's or config's file went missing: the project may not match what the files now say.
 */
function fileDigests(project: Project): Record<string, string> | undefined {
  const files: Record<string, string> = {};
  for (const file of project.configFiles ?? []) files[file] = contentDigest(file);
  for (const declared of [...Object.values(project.secrets ?? {}), ...Object.values(project.configs ?? {})]) {
    files[declared.file] = contentDigest(declared.file);
    if (files[declared.file] === 'missing') return undefined;
  }
  for (const [file, stamp] of Object.entries(project.configStamps ?? {})) if (fileStamp(file) !== stamp) return undefined;
  return files;
}

function contentDigest(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable: ${(e as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

/**
 * `environment` as the loader sees it, noting each variable it reads. A load that lists the variables depends
 * on which are set at all, which no list of values captures: it is noted as `listed` (and not kept).
 */
function recordingReads(
  environment: Record<string, string | undefined>,
  reads: { variables: Record<string, string | null>; listed: boolean },
): Record<string, string | undefined> {
  const note = (name: string | symbol) => {
    if (typeof name === 'string') reads.variables[name] = environment[name] ?? null;
  };
  return new Proxy(environment, {
    get: (target, name) => (note(name), Reflect.get(target, name) as string | undefined),
    has: (target, name) => (note(name), Reflect.has(target, name)),
    getOwnPropertyDescriptor: (target, name) => (note(name), Reflect.getOwnPropertyDescriptor(target, name)),
    ownKeys: (target) => {
      reads.listed = true;
      return Reflect.ownKeys(target);
    },
  });
}

function writeEntry(entryFile: string, entry: Entry): void {
  try {
    mkdirSync(path.dirname(entryFile), { recursive: true, mode: 0o700 });
    const temp = `${entryFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temp, entryFile);
  } catch {
    // A cache that cannot be written costs the next run a fresh load, nothing more.
  }
}

/** One entry per working folder and flags: folders come and go (temp folders), so the oldest written go too. */
function removeOldest(dir: string, keep: number): void {
  try {
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    if (names.length <= keep) return;
    const written = names.map((n) => ({ file: path.join(dir, n), at: statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => a.at - b.at);
    for (const { file } of written.slice(0, names.length - keep)) rmSync(file, { force: true });
  } catch {
    // Another run pruning at the same time, or an unreadable folder: the next write tries again.
  }
}
