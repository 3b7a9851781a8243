// What start-up evaluates. The build bundles the CLI (scripts/bundle-cli.mjs): devstack.js holds oclif and the
// command registry, each command's own work sits in chunks it imports when it runs, and the engine is reached
// through the dockerode bundle (dist/cli/dockerode.cjs), which leaves ssh2, gRPC and protobufjs unloaded until an
// ssh:// host or a BuildKit session needs them. Bundled code keeps esbuild's `// node_modules/NAME/...` markers,
// so the packages a run evaluated can be read from the files it loaded.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { devstack } from './support/cli.js';

const TRACE = fileURLToPath(new URL('./support/trace-imports.mjs', import.meta.url));

/** Runs the CLI and lists every file it loaded: ES modules (from the load hook) and CommonJS ones (require.cache). */
function loadedFiles(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'dsmodules-'));
  const preload = join(dir, 'list-modules.cjs');
  const out = join(dir, 'modules.txt');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, Object.keys(require.cache).join('\\n')));\n`,
  );
  const r = devstack(args, { cwd, env, nodeArgs: ['--import', TRACE, '--require', preload] });
  const esm = r.stderr.split('\n').filter((l) => l.startsWith('load: file://')).map((l) => fileURLToPath(l.slice('load: '.length)));
  const cjs = readFileSync(out, 'utf8').split('\n').filter((f) => f !== '' && f !== preload);
  const stderr = r.stderr.split('\n').filter((l) => !/^(load|resolve): /.test(l)).join('\n');
  return { status: r.status, stdout: r.stdout, stderr, files: [...esm, ...cjs] };
}

/** Packages whose code the files hold: loaded from node_modules, or bundled (esbuild's path comments). */
function packagesIn(files: string[]): Set<string> {
  const names = new Set<string>();
  const add = (path: string) => names.add(path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]!);
  for (const file of files) {
    const inModules = file.split('/node_modules/')[1];
    if (inModules) add(inModules);
    else for (const m of readFileSync(file, 'utf8').matchAll(/^\/\/ node_modules\/(\S+)$/gm)) add(m[1]!);
  }
  return names;
}

describe('devstack start-up modules', () => {
  it('ps on a real engine evaluates the CLI bundle and the dockerode bundle, not ssh2, @grpc/*, protobufjs, pg, ioredis or listr2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dssmoke-'));
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: redis:7-alpine\n');
    const r = loadedFiles(['ps'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.files.some((f) => f.endsWith('/dist/cli/devstack.js'))).toBe(true);
    expect(r.files.some((f) => f.endsWith('/dist/cli/dockerode.cjs'))).toBe(true);
    const packages = packagesIn(r.files);
    expect(packages).toContain('@oclif/core'); // the markers are there to read
    expect(packages).toContain('yaml');
    expect([...packages].filter((p) => /^(ssh2|@grpc\/.*|protobufjs|pg|ioredis|listr2)$/.test(p))).toEqual([]);
    // dockerode and docker-modem come from the bundle, never from their packages (which require ssh2 at load).
    expect(r.files.filter((f) => /\/node_modules\/(dockerode|docker-modem)\//.test(f))).toEqual([]);
  });

  it('ps on an unchanged project reads it from the project cache: no YAML parser, no compose loader, the same warnings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dssmoke-'));
    const env = { DEVSTACK_STATE_DIR: mkdtempSync(join(tmpdir(), 'dssmoke-state-')) };
    writeFileSync(join(dir, 'compose.yaml'), 'version: "3"\nservices:\n  web:\n    image: redis:7-alpine\n');
    const composeLoader = (files: string[]) => files.filter((f) => /\/dist\/cli\/compose-[A-Z0-9]+\.js$/.test(f));
    const first = loadedFiles(['ps'], dir, env);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/^warning: .*compose\.yaml:1:1: .*version.* obsolete/m);
    expect(composeLoader(first.files)).toHaveLength(1);
    const second = loadedFiles(['ps'], dir, env);
    expect(second.status).toBe(0);
    expect(second.stderr).toBe(first.stderr);
    expect(second.stdout).toBe(first.stdout);
    expect(composeLoader(second.files)).toEqual([]);
    expect(packagesIn(second.files)).not.toContain('yaml');
    // An edit is read: the warning goes, and the loader runs again.
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: redis:7-alpine\n');
    const edited = loadedFiles(['ps'], dir, env);
    expect(edited.status).toBe(0);
    expect(edited.stderr).toBe('');
    expect(composeLoader(edited.files)).toHaveLength(1);
  });

  it('--version is answered by bin/devstack alone: no bundle, no package', () => {
    const r = loadedFiles(['--version'], tmpdir());
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`devstack/${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version} ${process.platform}-${process.arch} node-${process.version}\n`);
    expect(r.files.map((f) => f.split('/').slice(-2).join('/'))).toEqual(['bin/devstack']);
  });
});
