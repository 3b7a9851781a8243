// Build step: bundles the CLI (commands/index.ts: oclif, the command registry, and everything they import) into
// dist/cli/ with esbuild. devstack.js holds what every command needs; what a command imports lazily
// (`await import(...)`) lands in chunks of its own, so `ps` evaluates the compose loader and the engine adapter
// but never listr2, pg or the watcher. One file per shared piece instead of ~400 small ones is what makes
// start-up cheap. Runs after tsc (which type-checks) and before the steps that write the files the code loads
// at run time from its own folder (compile-compose-schema.mjs, bundle-dockerode.mjs); `oclif manifest` reads
// the result. Chunks sit flat beside devstack.js, so "next to this module" means dist/cli/ for all of them.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist', 'cli');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { devstack: path.join(root, 'commands', 'index.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
  banner: { js: "import { createRequire as __devstackRequire } from 'node:module'; const require = __devstackRequire(import.meta.url);" },
  // - The Postgres and Redis clients: imported lazily (`await import('ioredis')`) by probes and reset-db, so they
  //   cost start-up nothing; left to Node, they keep Node's named exports of CommonJS (a bundled chunk would
  //   export only `default`, and `const { Redis } = await import('ioredis')` would get undefined).
  // - The TypeScript compiler, which oclif requires (inside try/catch) only to run a plugin from its sources in
  //   development: 9.7 MB if bundled.
  external: ['pg', 'ioredis', 'typescript'],
  logLevel: 'warning',
});
console.log(`bundled the CLI into ${outdir}`);
