// The built CLI talks to the engine through the dockerode bundle (dist/vendor/dockerode.cjs), which leaves ssh2,
// gRPC and protobufjs (~150 ms) unloaded until an ssh:// host or a BuildKit session needs them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devstack } from './support/cli.js';

/** Runs the CLI with a preload that writes every CommonJS module in require.cache, at exit, to a file. */
function loadedModules(args: string[], cwd: string): { status: number | null; stderr: string; modules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'dsmodules-'));
  const preload = join(dir, 'list-modules.cjs');
  const out = join(dir, 'modules.txt');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, Object.keys(require.cache).join('\\n')));\n`,
  );
  const r = devstack(args, { cwd, nodeArgs: ['--require', preload] });
  return { status: r.status, stderr: r.stderr, modules: readFileSync(out, 'utf8').split('\n') };
}

describe('devstack start-up modules', () => {
  it('ps on a real engine loads the dockerode bundle, not ssh2, @grpc/* or protobufjs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dssmoke-'));
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: redis:7-alpine\n');
    const r = loadedModules(['ps'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.modules.some((m) => m.endsWith('/dist/vendor/dockerode.cjs'))).toBe(true);
    expect(r.modules.filter((m) => /\/node_modules\/(dockerode|docker-modem|ssh2|@grpc\/[^/]+|protobufjs)\//.test(m))).toEqual([]);
  });
});
