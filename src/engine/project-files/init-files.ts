// The file side of `devstack init`: what the project folder holds (its package.json files, one folder level
// down), the templates in compose/init, and writing the planned files (never over an existing one).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevstackError } from '../../core/errors.js';
import type { InitFacts, InitFile, InitTemplates, LockFile, NodeAppFacts } from '../../core/init-plan.js';

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const LOCK_FILES: LockFile[] = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

/** The compose file the folder already has, if any (`init` then has nothing to do). */
export function existingComposeFile(dir: string): string | undefined {
  return COMPOSE_FILES.find((f) => existsSync(path.join(dir, f)));
}

export function readInitFacts(dir: string): InitFacts {
  const root = readApp(dir, '');
  const subfolders = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => readApp(dir, e.name))
    .filter((a): a is NodeAppFacts => a !== undefined && runnable(a))
    .sort((a, b) => a.dir.localeCompare(b.dir));
  const apps = subfolders.length > 0 ? subfolders : root && (runnable(root) || root.main) ? [root] : [];
  return { folderName: path.basename(path.resolve(dir)), apps };
}

function runnable(app: NodeAppFacts): boolean {
  return app.scripts.start !== undefined || app.scripts.dev !== undefined;
}

function readApp(projectDir: string, dir: string): NodeAppFacts | undefined {
  const folder = path.join(projectDir, dir);
  const manifest = path.join(folder, 'package.json');
  if (!existsSync(manifest)) return undefined;
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new DevstackError('usage', `${path.join(dir, 'package.json')} is not valid JSON: ${(err as Error).message}`, { hint: 'Fix it, then run `devstack init` again.' });
  }
  const record = (v: unknown): Record<string, string> => (typeof v === 'object' && v !== null ? (v as Record<string, string>) : {});
  const lockFile = LOCK_FILES.find((f) => existsSync(path.join(folder, f)));
  return {
    dir,
    ...(typeof pkg.name === 'string' ? { packageName: pkg.name } : {}),
    scripts: record(pkg.scripts),
    dependencies: [...Object.keys(record(pkg.dependencies)), ...Object.keys(record(pkg.devDependencies))],
    ...(typeof pkg.main === 'string' ? { main: pkg.main } : {}),
    ...(lockFile ? { lockFile } : {}),
    hasDockerfileDev: existsSync(path.join(folder, 'Dockerfile.dev')),
    hasDockerignore: existsSync(path.join(folder, '.dockerignore')),
  };
}

/** compose/init in devstack's own package: found by walking up from this module to devstack's package.json. */
export function readInitTemplates(): InitTemplates {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'devstack') break;
    const up = path.dirname(dir);
    if (up === dir) throw new DevstackError('internal', 'devstack\'s compose/init templates are missing from its installation');
    dir = up;
  }
  const templates = path.join(dir, 'compose', 'init');
  return { dockerfileDev: readFileSync(path.join(templates, 'Dockerfile.dev'), 'utf8'), dockerignore: readFileSync(path.join(templates, 'dockerignore'), 'utf8') };
}

/** Writes each file that does not exist yet; returns the ones written. */
export function writeInitFiles(dir: string, files: InitFile[]): string[] {
  const written: string[] = [];
  for (const file of files) {
    const target = path.join(dir, file.path);
    if (existsSync(target) && statSync(target).isFile()) continue;
    writeFileSync(target, file.content, { flag: 'wx' });
    written.push(file.path);
  }
  return written;
}
