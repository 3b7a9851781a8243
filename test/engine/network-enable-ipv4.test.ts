// `networks.<name>.enable_ipv4: false` on the real engine: a compose file loaded, its networks made through the
// Docker adapter. An engine of API 1.48+ makes the network without IPv4; an older one (Debian's 20.10 here,
// API 1.41) makes it with IPv4 and devstack says so once, at the key's file:line:col. Fails when no engine answers.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureProjectResources } from '../../src/app/project-resources.js';
import type { StackEvent } from '../../src/core/events.js';
import { connectDocker } from '../../src/engine/docker/connect.js';
import { apiVersionAtLeast, openEngine } from '../../src/engine/docker/docker-engine.js';
import { loadYaml } from '../unit/compose/temp-project.js';

const name = `dsipv4-${randomBytes(4).toString('hex')}`;
const raw = connectDocker(process.env);

afterAll(async () => {
  await raw.getNetwork(`${name}_nov4`).remove().catch(() => undefined);
});

describe('enable_ipv4: false on the real engine', () => {
  it('is applied by an engine that takes it, else named in one located warning', async () => {
    const project = await loadYaml(`name: ${name}\nservices:\n  app:\n    image: alpine\n    networks: [nov4]\nnetworks:\n  nov4:\n    enable_ipv4: false\n`);
    const engine = await openEngine(process.env);
    const { apiVersion } = await engine.ping();
    const events: StackEvent[] = [];
    await ensureProjectResources(engine, project, Object.values(project.services), (e) => events.push(e));

    const inspected = (await raw.getNetwork(`${name}_nov4`).inspect()) as { Name: string; EnableIPv4?: boolean };
    expect(inspected.Name).toBe(`${name}_nov4`);
    const warnings = events.filter((e) => e.type === 'notice').map((e) => (e as { message: string }).message);
    if (apiVersionAtLeast(apiVersion, '1.48')) {
      expect(inspected.EnableIPv4).toBe(false);
      expect(warnings).toEqual([]);
    } else {
      expect(warnings).toEqual([
        `${project.composeFiles[0]}:8:5: networks.nov4.enable_ipv4 is not applied: the engine's API ${apiVersion} predates it (needs 1.48)`,
      ]);
    }
    // The next `up` finds the network and says it again: the file still asks for what the network lacks.
    const again: StackEvent[] = [];
    await ensureProjectResources(engine, project, Object.values(project.services), (e) => again.push(e));
    expect(again.filter((e) => e.type === 'notice')).toHaveLength(warnings.length);
  });
});
