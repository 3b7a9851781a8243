// The dockerode class, loaded from dist/cli/dockerode.cjs: a bundle (scripts/bundle-dockerode.mjs) that defers
// ssh2, @grpc/* and protobufjs until an ssh:// host or a BuildKit session needs them, which saves ~150 ms of
// start-up. Only values come from here; types still come from 'dockerode' (@types/dockerode) with `import type`.
import { createRequire } from 'node:module';
import type DockerodeApi from 'dockerode';

const requireCjs = createRequire(import.meta.url);

/** Beside the bundled CLI (scripts/bundle-cli.mjs puts this module's code in dist/cli/). */
const BUNDLE = './dockerode.cjs';

/** The bundle's path, or undefined when it is not there. */
function bundlePath(): string | undefined {
  try {
    return requireCjs.resolve(BUNDLE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

function loadDockerode(): typeof DockerodeApi {
  const bundle = bundlePath();
  // No bundle: running from the .ts sources (vitest, bench) rather than the build, so use the package itself.
  // Only a missing bundle falls back; an error while loading the bundle is thrown as is.
  return (bundle === undefined ? requireCjs('dockerode') : requireCjs(bundle)) as typeof DockerodeApi;
}

export const DockerodeClass = loadDockerode();
