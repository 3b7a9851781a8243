// The embedded demo stack (compose/demo) must always load.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject, renderComposeConfig } from '../../../src/compose/index.js';

const DEMO = fileURLToPath(new URL('../../../compose/demo/', import.meta.url));

describe('the embedded demo stack', () => {
  it('loads and renders', async () => {
    const project = await loadProject({ cwd: DEMO, environment: {} });
    expect(Object.keys(project.services).length).toBeGreaterThan(0);
    expect(renderComposeConfig(project, { showSecrets: false }).name).toBe(project.name);
  });
});
