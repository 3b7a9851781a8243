// compose files → core Project (see load-project.ts), and the `devstack config` rendering.
export { loadProject } from './load-project.js';
export type { LoadOptions } from './load-project.js';
export { composeConfigYaml, renderComposeConfig } from './render-config.js';
export { changedSinceRead } from './source-files.js';
