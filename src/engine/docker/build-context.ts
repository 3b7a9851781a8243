// The build context as a tar stream, the way the Docker CLI makes it for the classic builder:
// .dockerignore honoured (Docker's semantics), Dockerfile and .dockerignore always sent, file modes kept,
// symlinks sent as symlinks, but none that leads out of the context. The context and Dockerfile themselves may be
// anywhere the compose file says (`context: ..` in a docker/ folder is a monorepo's usual layout, and compose builds
// it). Files are streamed one at a time.
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { lstat, opendir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { DevstackError } from '../../core/errors.js';
import { DockerignoreMatcher } from './dockerignore.js';

export interface BuildContextRequest {
  /** The context folder (absolute). */
  context: string;
  /** Relative to the context (or absolute). */
  dockerfile: string;
  /** `dockerfile_inline`: the Dockerfile's text, sent in the tar in place of a file. */
  dockerfileInline?: string;
}

export interface BuildPaths {
  /** Real path of the context folder. */
  contextDir: string;
  /** Real path of the Dockerfile. */
  dockerfilePath: string;
  /** The Dockerfile's name inside the tar (what POST /build gets as `dockerfile`). */
  dockerfileInContext: string;
}

/** Where a Dockerfile kept outside the context goes in the tar. */
const OUTSIDE_DOCKERFILE_NAME = '.devstack.Dockerfile';
/** Where a `dockerfile_inline` goes in the tar. */
const INLINE_DOCKERFILE_NAME = '.devstack.inline.Dockerfile';

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function escapeError(link: string, target: string, contextDir: string): DevstackError {
  return new DevstackError('compose', `the symlink ${link} (→ ${target}) leads out of the build context ${contextDir}`, {
    hint: 'The engine gets a symlink as a link, never what it points to: copy the file into the context, make the context a folder that holds both, or list the link in .dockerignore.',
  });
}

async function realExisting(p: string, what: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    throw new DevstackError('compose', `${what} ${p} does not exist`, {
      hint: 'Check the build context and dockerfile paths in the compose file.',
    });
  }
}

/** Resolves the real paths of the context and the Dockerfile, which must exist. */
export async function resolveBuildPaths(req: BuildContextRequest): Promise<BuildPaths> {
  const contextAbs = path.resolve(req.context);
  if (req.dockerfileInline !== undefined) return resolveInlineBuildPaths(contextAbs);
  const dockerfileAbs = path.resolve(contextAbs, req.dockerfile);
  const contextDir = await realExisting(contextAbs, 'build context');
  const dockerfilePath = await realExisting(dockerfileAbs, 'Dockerfile');
  if (!(await stat(contextDir)).isDirectory()) {
    throw new DevstackError('compose', `build context ${contextAbs} is not a folder`);
  }
  const dockerfileInContext = isInside(contextDir, dockerfilePath)
    ? path.relative(contextDir, dockerfilePath).split(path.sep).join('/')
    : OUTSIDE_DOCKERFILE_NAME;
  return { contextDir, dockerfilePath, dockerfileInContext };
}

async function resolveInlineBuildPaths(contextAbs: string): Promise<BuildPaths> {
  const contextDir = await realExisting(contextAbs, 'build context');
  if (!(await stat(contextDir)).isDirectory()) throw new DevstackError('compose', `build context ${contextAbs} is not a folder`);
  return { contextDir, dockerfilePath: '', dockerfileInContext: INLINE_DOCKERFILE_NAME };
}

async function loadMatcher(contextDir: string, dockerfileInContext: string): Promise<DockerignoreMatcher> {
  let text = '';
  try {
    text = await readFile(path.join(contextDir, '.dockerignore'), 'utf8');
  } catch {
    // no .dockerignore: everything is sent
  }
  return DockerignoreMatcher.fromText(text).keeping(['.dockerignore', dockerfileInContext]);
}

interface ContextEntry {
  /** Slash path relative to the context root. */
  rel: string;
  abs: string;
  stats: Stats;
}

/** Walks the context depth-first in name order, yielding what Docker would send (ignored paths skipped). */
async function* walkContext(root: string, matcher: DockerignoreMatcher, relDir = ''): AsyncGenerator<ContextEntry> {
  const dir = await opendir(path.join(root, relDir));
  const names: Dirent[] = [];
  for await (const dirent of dir) names.push(dirent);
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of names) {
    const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
    const abs = path.join(root, rel);
    const stats = await lstat(abs);
    const excluded = matcher.isExcluded(rel);
    if (excluded && !(stats.isDirectory() && matcher.mayReincludeUnder(rel))) continue;
    if (!excluded) yield { rel, abs, stats };
    if (stats.isDirectory()) yield* walkContext(root, matcher, rel);
  }
}

async function checkSymlink(entry: ContextEntry, contextDir: string): Promise<string> {
  const target = await readlink(entry.abs);
  let resolved: string;
  try {
    resolved = await realpath(entry.abs);
  } catch {
    resolved = path.resolve(path.dirname(entry.abs), target); // dangling: judge the path it names
  }
  if (!isInside(contextDir, resolved)) throw escapeError(entry.abs, target, contextDir);
  return target;
}

async function packEntry(pack: tarStream.Pack, entry: ContextEntry, linkTarget: string | undefined): Promise<void> {
  const { stats } = entry;
  const header = { name: entry.rel, mode: stats.mode & 0o7777, mtime: stats.mtime, uid: 0, gid: 0 };
  if (stats.isDirectory()) {
    await addWhole(pack, { ...header, type: 'directory' });
  } else if (linkTarget !== undefined) {
    await addWhole(pack, { ...header, type: 'symlink', linkname: linkTarget });
  } else if (stats.isFile()) {
    await addFile(pack, { ...header, type: 'file', size: stats.size }, entry.abs);
  }
  // sockets, fifos and devices are not sent
}

type TarHeader = Partial<tarStream.Header> & { name: string };

function addWhole(pack: tarStream.Pack, header: TarHeader): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (err) => (err ? reject(err) : resolve())));
}

/** Streams one file into its tar entry (the pack applies backpressure, so memory stays flat). */
function addFile(pack: tarStream.Pack, header: TarHeader, abs: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(abs);
    const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    source.on('error', (err) => {
      sink.destroy(err);
      reject(err);
    });
    source.pipe(sink as unknown as NodeJS.WritableStream);
  });
}

/** Throws (kind 'compose') before anything is sent when a symlink to be sent leads out of the context. */
/** Every symlink under `dir` must stay inside `confineTo` (the context itself, unless told otherwise). */
async function checkAllSymlinks(dir: string, matcher: DockerignoreMatcher, confineTo: string = dir) {
  for await (const entry of walkContext(dir, matcher)) {
    if (entry.stats.isSymbolicLink()) await checkSymlink(entry, confineTo);
  }
}

/**
 * A folder of the project as a tar stream, as a build context is sent (.dockerignore honoured, symlinks kept
 * inside the project, sockets and devices left out): what fills a remote engine's copy of a bind mount.
 */
export async function createFolderArchive(dir: string, confineTo: string): Promise<Readable> {
  const realConfine = await realExisting(path.resolve(confineTo), 'project folder');
  const folder = await realExisting(dir, 'folder');
  if (!isInside(realConfine, folder)) {
    throw new DevstackError('compose', `the folder ${dir} (→ ${folder}) is outside the project folder ${confineTo}`, {
      hint: 'Only folders inside the project are copied to a remote engine; mount a named volume for the rest.',
    });
  }
  const matcher = await loadMatcher(folder, '.dockerignore');
  await checkAllSymlinks(folder, matcher, realConfine);
  const pack = tarStream.pack();
  const fill = async () => {
    for await (const entry of walkContext(folder, matcher)) {
      const link = entry.stats.isSymbolicLink() ? await checkSymlink(entry, realConfine) : undefined;
      await packEntry(pack, entry, link);
    }
    pack.finalize();
  };
  fill().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  return Readable.from(pack, { objectMode: false });
}

/**
 * One file of the project as a tar stream whose entry is `entryPath` (slash-separated, relative; its folders are
 * entries too, mode 0755): what puts a single bind-mounted file into a container on a remote engine.
 */
export async function createFileArchive(file: string, entryPath: string, confineTo: string): Promise<Readable> {
  const realConfine = await realExisting(path.resolve(confineTo), 'project folder');
  const real = await realExisting(file, 'file');
  if (!isInside(realConfine, real)) {
    throw new DevstackError('compose', `the file ${file} (→ ${real}) is outside the project folder ${confineTo}`, {
      hint: 'Only files inside the project are copied to a remote engine.',
    });
  }
  const stats = await stat(real);
  const pack = tarStream.pack();
  const fill = async () => {
    const parts = entryPath.split('/');
    for (let i = 1; i < parts.length; i++) await addWhole(pack, { name: parts.slice(0, i).join('/'), type: 'directory', mode: 0o755, mtime: stats.mtime, uid: 0, gid: 0 });
    await addFile(pack, { name: entryPath, type: 'file', mode: stats.mode & 0o7777, mtime: stats.mtime, uid: 0, gid: 0, size: stats.size }, real);
    pack.finalize();
  };
  fill().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  return Readable.from(pack, { objectMode: false });
}

export async function createBuildContext(req: BuildContextRequest): Promise<Readable> {
  const paths = await resolveBuildPaths(req);
  const matcher = await loadMatcher(paths.contextDir, paths.dockerfileInContext);
  await checkAllSymlinks(paths.contextDir, matcher);

  const pack = tarStream.pack();
  const fill = async () => {
    for await (const entry of walkContext(paths.contextDir, matcher)) {
      const link = entry.stats.isSymbolicLink() ? await checkSymlink(entry, paths.contextDir) : undefined;
      await packEntry(pack, entry, link);
    }
    if (req.dockerfileInline !== undefined) {
      const text = Buffer.from(req.dockerfileInline, 'utf8');
      await new Promise<void>((resolve, reject) =>
        pack.entry({ name: INLINE_DOCKERFILE_NAME, mode: 0o644, size: text.length, mtime: new Date(0), uid: 0, gid: 0 }, text, (err) => (err ? reject(err) : resolve())),
      );
    } else if (paths.dockerfileInContext === OUTSIDE_DOCKERFILE_NAME) {
      const stats = await stat(paths.dockerfilePath);
      await packEntry(pack, { rel: OUTSIDE_DOCKERFILE_NAME, abs: paths.dockerfilePath, stats }, undefined);
    }
    pack.finalize();
  };
  fill().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  return Readable.from(pack, { objectMode: false });
}
