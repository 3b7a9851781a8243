// Replicas as the compose file and `up --scale` give them: `scale` / `deploy.replicas` (and their conflict),
// `container_name` with a scale, `config` output, and the host ports each replica asks for.
import { describe, expect, it } from 'vitest';
import { renderComposeConfig } from '../../../src/compose/index.js';
import { applyScaleOverrides } from '../../../src/app/scale-overrides.js';
import { isDevstackError } from '../../../src/core/errors.js';
import { planPorts } from '../../../src/core/port-plan.js';
import { requestedBindings } from '../../../src/engine/ports/plan-host-ports.js';
import { composeErrorOf, loadYaml } from './temp-project.js';

/** `file:line:col: message` lines with the temp folder cut off. */
async function errorLines(yaml: string): Promise<string[]> {
  const error = await composeErrorOf(loadYaml(yaml));
  return error.message.split('\n').map((line) => line.replace(/^.*\/(?=[^/]+:\d+:\d+:)/, ''));
}

describe('scale and deploy.replicas', () => {
  it('reads either key (equal values together too), 0 included, and prints them where they were written', async () => {
    const project = await loadYaml(
      [
        'services:',
        '  a: { image: x, scale: 3 }',
        '  b: { image: x, deploy: { replicas: 2, resources: { limits: { pids: 10 } } } }',
        '  c: { image: x, scale: "2", deploy: { replicas: 2 } }',
        '  d: { image: x, scale: 0 }',
        '  e: { image: x }',
      ].join('\n'),
    );
    expect(Object.fromEntries(Object.values(project.services).map((s) => [s.name, s.scale]))).toEqual({ a: 3, b: 2, c: 2, d: 0, e: undefined });
    const services = renderComposeConfig(project, { showSecrets: false }).services as Record<string, Record<string, unknown>>;
    expect(services.a!.scale).toBe(3);
    expect(services.a!.deploy).toBeUndefined();
    expect(services.b!.scale).toBeUndefined();
    expect(services.b!.deploy).toEqual({ replicas: 2, resources: { limits: { pids: 10 } } });
    expect([services.c!.scale, services.c!.deploy]).toEqual([2, { replicas: 2 }]);
    expect(services.d!.scale).toBe(0);
    expect('scale' in services.e!).toBe(false);
  });

  it('refuses two different numbers, a negative one, and container_name with more than one container, each located', async () => {
    expect(await errorLines('services:\n  web:\n    image: x\n    scale: 2\n    deploy:\n      replicas: 3\n')).toEqual([
      "compose.yaml:6:7: services.web: can't set distinct values on 'scale' (2) and 'deploy.replicas' (3); keep one of them",
    ]);
    expect(await errorLines('services:\n  web:\n    image: x\n    scale: -1\n')).toEqual(['compose.yaml:4:12: services.web.scale: must be greater than or equal to 0 (got -1)']);
    expect(await errorLines('services:\n  web:\n    image: x\n    container_name: web\n    deploy: { replicas: 2 }\n')).toEqual([
      'compose.yaml:5:15: services.web: a service with container_name runs one container (names are unique), so it can\'t be scaled to 2; drop container_name or the scale',
    ]);
    // One container with a fixed name is fine.
    expect((await loadYaml('services:\n  web:\n    image: x\n    container_name: web\n    scale: 1\n')).services.web!.scale).toBe(1);
  });
});

describe('up --scale', () => {
  it('overrides the file, refuses unknown services, bad forms and container_name', async () => {
    const project = await loadYaml('services:\n  web: { image: x, scale: 3 }\n  db: { image: y, container_name: the-db }\n');
    const scaled = applyScaleOverrides(project, ['web=1', 'db=0']);
    expect([scaled.services.web!.scale, scaled.services.db!.scale]).toEqual([1, 0]);
    expect(project.services.web!.scale).toBe(3); // the loaded project is left as it was
    const refusal = (entries: string[]) => {
      try {
        applyScaleOverrides(project, entries);
      } catch (e) {
        return isDevstackError(e) ? `${e.kind}: ${e.message}` : String(e);
      }
      return 'accepted';
    };
    expect(refusal(['api=2'])).toBe('not-found: --scale api=2: no service "api" in the project');
    expect(refusal(['web=two'])).toBe('usage: --scale "web=two": expected SERVICE=NUMBER');
    expect(refusal(['db=2'])).toBe('compose: --scale db=2: service "db" sets container_name, so it runs one container (names are unique)');
  });
});

describe('host ports of replicas', () => {
  it('gives replica 1 a fixed port and remaps the others; a host range gives one port each; no host port stays ephemeral', async () => {
    const project = await loadYaml('services:\n  web:\n    image: x\n    scale: 3\n    ports: ["8080:80", "9000-9001:90", "100"]\n');
    const requested = requestedBindings(Object.values(project.services));
    expect(requested.map((b) => `${b.replica}:${b.hostPort ?? '-'}->${b.containerPort}`)).toEqual([
      '1:8080->80', '1:9000->90', '1:-->100',
      '2:8080->80', '2:9001->90', '2:-->100',
      '3:8080->80', '3:9001->90', '3:-->100',
    ]);
    const plan = planPorts({ bindings: requested, isTaken: () => false, remembered: {}, strict: false });
    expect(plan.bindings.map((b) => `${b.replica}:${b.hostPort}->${b.containerPort}`)).toEqual([
      '1:8080->80', '1:9000->90', '1:0->100',
      '2:8081->80', '2:9001->90', '2:0->100',
      '3:8082->80', '3:9002->90', '3:0->100',
    ]);
    expect(plan.notices).toEqual([
      'web-2 8080 -> 8081 (8080 taken by replica web-1)',
      'web-3 8080 -> 8082 (8080 taken by replica web-1)',
      'web-3 9001 -> 9002 (9001 taken by replica web-2)',
    ]);
    // Each replica's remap is remembered on its own key; replica 1's key is the one a single container uses.
    expect(plan.remember).toEqual({ 'web#2/80/tcp': 8081, 'web#3/80/tcp': 8082, 'web#3/90/tcp': 9002 });
  });

  it('leaves the bindings of a service with one container as they were (no replica)', async () => {
    const project = await loadYaml('services:\n  web:\n    image: x\n    ports: ["8000-8002:80"]\n');
    expect(requestedBindings(Object.values(project.services))).toEqual([{ service: 'web', containerPort: 80, protocol: 'tcp', hostPort: 8000 }]);
    const config = renderComposeConfig(project, { showSecrets: false }).services as Record<string, Record<string, unknown>>;
    expect(config.web!.ports).toEqual([{ mode: 'ingress', target: 80, published: '8000-8002', protocol: 'tcp' }]);
  });
});
