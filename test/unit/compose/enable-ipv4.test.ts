// `networks.<name>.enable_ipv4` (compose spec: "enable_ipv4 can be used to disable IPv4 address assignment"):
// loaded with where it is written, shown by `config`, sent as EnableIPv4 to an engine of API 1.48 or later, and
// named in one located warning by an older engine, which gives every network IPv4 whatever the request says.
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { ensureProjectResources } from '../../../src/app/project-resources.js';
import { renderComposeConfig } from '../../../src/compose/render-config.js';
import type { NetworkRequest } from '../../../src/core/engine.js';
import type { StackEvent } from '../../../src/core/events.js';
import { apiVersionAtLeast, DockerEngine } from '../../../src/engine/docker/docker-engine.js';
import { project, service } from '../core/fixtures.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';
import { loadYaml } from './temp-project.js';

const FILE = `services:
  app:
    image: alpine
    networks: [v6only, plain]
networks:
  v6only:
    enable_ipv6: true
    enable_ipv4: false
  plain:
    enable_ipv4: \${IPV4:-yes}
`;

describe('enable_ipv4 in the compose file', () => {
  it('is read with its location; a variable is cast to a boolean as compose does', async () => {
    const p = await loadYaml(FILE);
    expect(p.networks.v6only).toMatchObject({ enableIpv4: false, enableIpv6: true, enableIpv4Source: { line: 8, col: 5 } });
    expect(p.networks.v6only!.enableIpv4Source!.file).toMatch(/compose\.yaml$/);
    expect(p.networks.plain).toMatchObject({ enableIpv4: true, enableIpv4Source: { line: 10, col: 5 } });
    expect(p.networks.default!.enableIpv4).toBeUndefined();
    expect(p.warnings).toEqual([]);
  });

  it('`config` shows it as written (absent when not written)', async () => {
    const out = renderComposeConfig(await loadYaml(FILE), { showSecrets: false }) as { networks: Record<string, Record<string, unknown>> };
    expect(out.networks.v6only).toEqual({ name: expect.stringMatching(/_v6only$/), enable_ipv4: false, enable_ipv6: true });
    expect(out.networks.plain).toEqual({ name: expect.stringMatching(/_plain$/), enable_ipv4: true });
    expect(out.networks.default).not.toHaveProperty('enable_ipv4');
  });
});

describe('enable_ipv4 when the project networks are made', () => {
  const at = { file: '/p/compose.yaml', line: 8, col: 5 };
  const demo = project([service('app', { networks: { v6only: { aliases: [] } } })], {
    networks: { v6only: { name: 'demo_v6only', external: false, labels: {}, enableIpv4: false, enableIpv4Source: at } },
  });

  /** An in-memory engine whose API predates EnableIPv4 when `old`: `false` comes back unsupported, as the adapter says. */
  class EngineOfApi extends InMemoryEngine {
    readonly requests: NetworkRequest[] = [];
    constructor(private readonly old: boolean) {
      super();
    }
    override async ensureNetwork(req: NetworkRequest) {
      this.requests.push(req);
      const made = await super.ensureNetwork(req);
      if (!this.old || req.enableIpv4 !== false) return made;
      return { ...made, unsupported: [{ field: 'enableIpv4' as const, apiVersion: '1.41', needsApiVersion: '1.48' }] };
    }
  }

  it('is asked of the engine; an engine that cannot apply it gets one warning at the key', async () => {
    const engine = new EngineOfApi(true);
    const events: StackEvent[] = [];
    await ensureProjectResources(engine, demo, Object.values(demo.services), (e) => events.push(e));
    expect(engine.requests[0]).toMatchObject({ name: 'demo_v6only', enableIpv4: false });
    expect(events.filter((e) => e.type === 'notice')).toEqual([
      { type: 'notice', level: 'warn', message: "/p/compose.yaml:8:5: networks.v6only.enable_ipv4 is not applied: the engine's API 1.41 predates it (needs 1.48)" },
    ]);
  });

  it('an engine that applies it: no warning', async () => {
    const engine = new EngineOfApi(false);
    const events: StackEvent[] = [];
    await ensureProjectResources(engine, demo, Object.values(demo.services), (e) => events.push(e));
    expect(events.filter((e) => e.type === 'notice')).toEqual([]);
  });
});

describe('the Docker adapter and EnableIPv4', () => {
  /** A dockerode stand-in: no network exists yet; records create bodies and version calls. */
  function dockerOf(apiVersion: string) {
    const created: Record<string, unknown>[] = [];
    let versionCalls = 0;
    const docker = {
      getNetwork: () => ({ inspect: async () => Promise.reject(Object.assign(new Error('no such network'), { statusCode: 404 })) }),
      createNetwork: async (body: Record<string, unknown>) => void created.push(body),
      version: async () => {
        versionCalls++;
        return { ApiVersion: apiVersion };
      },
    } as unknown as Dockerode;
    return { engine: new DockerEngine(docker, 'unix:///fake.sock'), created, versionCalls: () => versionCalls };
  }

  it('API 1.48 and later: sent as EnableIPv4 (false and true alike), the version asked once', async () => {
    const { engine, created, versionCalls } = dockerOf('1.48');
    expect(await engine.ensureNetwork({ name: 'a', labels: {}, enableIpv4: false })).toEqual({ created: true });
    expect(await engine.ensureNetwork({ name: 'b', labels: {}, enableIpv4: true })).toEqual({ created: true });
    expect(created.map((b) => b.EnableIPv4)).toEqual([false, true]);
    expect(versionCalls()).toBe(1);
  });

  it('API 1.41: not sent; `false` comes back as unsupported with both versions, `true` (the default there) does not', async () => {
    const { engine, created } = dockerOf('1.41');
    expect(await engine.ensureNetwork({ name: 'a', labels: {}, enableIpv4: false })).toEqual({
      created: true,
      unsupported: [{ field: 'enableIpv4', apiVersion: '1.41', needsApiVersion: '1.48' }],
    });
    expect(await engine.ensureNetwork({ name: 'b', labels: {}, enableIpv4: true })).toEqual({ created: true });
    expect(created.every((b) => !('EnableIPv4' in b))).toBe(true);
  });

  it('no enable_ipv4: the version is not asked', async () => {
    const { engine, versionCalls } = dockerOf('1.41');
    await engine.ensureNetwork({ name: 'a', labels: {} });
    expect(versionCalls()).toBe(0);
  });

  it('compares API versions part by part', () => {
    expect(apiVersionAtLeast('1.41', '1.48')).toBe(false);
    expect(apiVersionAtLeast('1.48', '1.48')).toBe(true);
    expect(apiVersionAtLeast('1.100', '1.48')).toBe(true);
    expect(apiVersionAtLeast('2.0', '1.48')).toBe(true);
  });
});
