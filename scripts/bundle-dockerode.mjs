// Build step: bundles dockerode (with docker-modem and its small deps) into one CommonJS file,
// dist/cli/dockerode.cjs, that loads without ssh2, @grpc/* or protobufjs. Plain dockerode requires them at
// load time (~200 ms) though they only serve docker-modem's own ssh:// client (devstack reaches ssh:// engines through the system ssh, src/engine/docker/ssh-stdio.ts) and BuildKit sessions:
//   - docker-modem's `./ssh` (which reads `require('ssh2').Client` at load) → a shim that requires it on first call;
//   - dockerode's `./session` (@grpc/grpc-js, @grpc/proto-loader) → a shim that requires the real file on first call;
//   - dockerode's `./buildkit` (protobufjs) is already required inside a function; it only has to stay external.
// session.js and buildkit.js read .proto files next to themselves (__dirname), so they stay external and are
// required from the installed dockerode package. Runs after scripts/bundle-cli.mjs; the bundled
// src/engine/docker/dockerode-module.ts loads it from its own folder, dist/cli/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = path.join(root, 'dist', 'cli', 'dockerode.cjs');
const require = createRequire(import.meta.url);
const dockerodeLib = path.dirname(require.resolve('dockerode'));
const modemLib = path.dirname(createRequire(require.resolve('dockerode')).resolve('docker-modem'));

/** Packages that must never be evaluated when the bundle loads. */
const HEAVY = ['ssh2', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'];

/** A module exporting a function that requires `target` (bundled if a file path, else external) on first call. */
function lazyFunction(target) {
  return `module.exports = function () { return require(${JSON.stringify(target)}).apply(this, arguments); };
`;
}

/** A module exporting an object whose `methods` require `target` (bundled) on first call. */
function lazyMethods(target, methods) {
  const each = methods.map((m) => `  ${m}: function () { const real = require(${JSON.stringify(target)}); return real.${m}.apply(real, arguments); },`);
  return `module.exports = {\n${each.join('\n')}\n};\n`;
}

/**
 * dockerode/lib/util.js requires these at load, for one function (prepareBuildContext: a build from a folder
 * name, which devstack never asks for; it sends its own tar stream): tar-fs (with tar-stream, bl, pump and
 * readable-stream's writable side) and @balena/dockerignore stay bundled but are evaluated on first call.
 */
const UTIL_LAZY = {
  'tar-fs': (file) => lazyMethods(file, ['pack', 'extract']),
  '@balena/dockerignore': (file) => lazyFunction(file),
};

const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    // docker-modem/lib/modem.js: `ssh = require('./ssh')`. The real ssh.js is bundled (as a lazily initialised
    // module, since the stand-in only requires it inside a function); its require('ssh2') stays external.
    b.onResolve({ filter: /^\.\/ssh$/ }, (args) =>
      args.importer.startsWith(modemLib + path.sep)
        ? { path: 'docker-modem/lib/ssh.js', namespace: 'lazy', pluginData: path.join(modemLib, 'ssh.js') }
        : undefined,
    );
    // docker-modem/lib/modem.js: `HttpDuplex = require('./http_duplex')`, the stream of an exec or attach (with
    // readable-stream under it): bundled, evaluated on the first `new HttpDuplex(...)`.
    b.onResolve({ filter: /^\.\/http_duplex$/ }, (args) =>
      args.importer.startsWith(modemLib + path.sep)
        ? { path: 'docker-modem/lib/http_duplex.js', namespace: 'lazy', pluginData: path.join(modemLib, 'http_duplex.js') }
        : undefined,
    );
    // dockerode/lib/docker.js: `withSession = require('./session')`.
    b.onResolve({ filter: /^\.\/session$/ }, (args) =>
      args.importer.startsWith(dockerodeLib + path.sep)
        ? { path: 'dockerode/lib/session.js', namespace: 'lazy', pluginData: 'dockerode/lib/session.js' }
        : undefined,
    );
    // dockerode/lib/docker.js: `require('./buildkit')` inside followProgress() — external, so still lazy.
    b.onResolve({ filter: /^\.\/buildkit$/ }, (args) =>
      args.importer.startsWith(dockerodeLib + path.sep) ? { path: 'dockerode/lib/buildkit.js', external: true } : undefined,
    );
    b.onResolve({ filter: /^(tar-fs|@balena\/dockerignore)$/ }, (args) =>
      args.importer === path.join(dockerodeLib, 'util.js')
        ? { path: `${args.path}(lazy)`, namespace: 'lazy-methods', pluginData: createRequire(args.importer).resolve(args.path) }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-methods' }, (args) => ({
      contents: UTIL_LAZY[args.path.replace('(lazy)', '')](args.pluginData),
      loader: 'js',
      resolveDir: root,
    }));
    // docker-modem/lib/modem.js formats every request's options with util.inspect for its debug log, whether the
    // log is on or not (~2 ms of a short command's start-up): formatted only when DEBUG enables it.
    b.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const call = "debug('Sending: %s', util.inspect(options, {";
      if (!text.includes(call)) throw new Error(`bundle-dockerode: ${args.path} no longer has ${call}; did docker-modem change?`);
      return { contents: text.replace(call, `debug.enabled && ${call}`), loader: 'js' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: lazyFunction(args.pluginData),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

mkdirSync(path.dirname(outfile), { recursive: true });
const result = await build({
  entryPoints: [require.resolve('dockerode')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: [...HEAVY, 'dockerode/lib/session.js', 'dockerode/lib/buildkit.js'],
  plugins: [lazyRequires],
  metafile: true,
  logLevel: 'warning',
  banner: { js: '// Generated by scripts/bundle-dockerode.mjs from dockerode and docker-modem (Apache-2.0). Do not edit.' },
});

// The plugin must have fired for both: a renamed file upstream would otherwise silently bring back the eager loads.
const inputs = Object.keys(result.metafile.inputs);
for (const shim of ['lazy:dockerode/lib/session.js', 'lazy:docker-modem/lib/ssh.js', 'lazy:docker-modem/lib/http_duplex.js', 'lazy-methods:tar-fs(lazy)', 'lazy-methods:@balena/dockerignore(lazy)']) {
  if (!inputs.includes(shim)) throw new Error(`bundle-dockerode: expected the lazy stand-in ${shim}; did dockerode or docker-modem change?`);
}

// Loading the bundle must not evaluate any heavy package.
const check = spawnSync(process.execPath, ['-e', `
  require(${JSON.stringify(outfile)});
  const loaded = Object.keys(require.cache).filter((f) => ${JSON.stringify(HEAVY)}.some((p) => f.includes('/node_modules/' + p + '/')));
  if (loaded.length) { console.error(loaded.join('\\n')); process.exit(1); }
`], { encoding: 'utf8' });
if (check.status !== 0) throw new Error(`bundle-dockerode: loading ${outfile} loads heavy modules:\n${check.stderr}`);

console.log(`bundled dockerode into ${outfile}`);
