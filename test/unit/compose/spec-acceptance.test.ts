// Files the compose specification calls valid load; the cases are written from the spec's text (keys, casting,
// interpolation, extends, include, merge tags, several documents), not copied from any test suite.
import { describe, expect, it } from 'vitest';
import { castFieldTypes } from '../../../src/compose/type-casting.js';
import { validateComposeTree } from '../../../src/compose/schema-validation.js';
import { parseYamlSource } from '../../../src/compose/yaml-source.js';
import { composeErrorOf, loadIn, loadYaml, writeProject } from './temp-project.js';

/** What the schema says of a file after parsing and casting (the loader's own stages, without normalization). */
function schemaIssues(yaml: string): string[] {
  const parsed = parseYamlSource(yaml, 'compose.yaml');
  const cast = castFieldTypes(parsed.root);
  return [...parsed.issues, ...cast.issues, ...validateComposeTree(cast.root)].map((i) => `${i.location.line}:${i.location.col}: ${i.message}`);
}

async function errorLines(promise: Promise<unknown>): Promise<string[]> {
  const error = await composeErrorOf(promise);
  return error.message.split('\n').map((line) => line.replace(/^.*\/(?=[^/]+:\d+:\d+:)/, ''));
}

describe('keys of the current compose specification', () => {
  it('accepts every key the 2021 schema lacked', async () => {
    const yaml = `
name: keys
models:
  llm: { model: ai/smollm2, context_size: 2048, runtime_flags: [--verbose] }
services:
  web:
    image: alpine
    annotations: { com.example.team: platform }
    attach: false
    cgroup: private
    uts: host
    label_file: ./labels
    gpus: all
    models: [llm]
    use_api_socket: true
    post_start: [{ command: echo started, user: root, privileged: true, environment: [A=1] }]
    pre_stop: [{ command: [sh, -c, "echo bye"] }]
    devices:
      - /dev/null:/dev/fake
      - { source: /dev/zero, target: /dev/zero2, permissions: rwm }
    extra_hosts:
      db.local: [10.0.0.1, "::1"]
      cache.local: 10.0.0.2
    deploy: { resources: { limits: { pids: 100 } } }
    depends_on:
      db: { condition: service_started, x-note: extension under an entry }
    networks:
      back: { mac_address: "02:42:ac:11:00:02", driver_opts: { com.docker.network.endpoint.sysctls: "x=1" }, gw_priority: 1, interface_name: eth7 }
    volumes:
      - { type: image, source: alpine, target: /img, image: { subpath: etc } }
      - { type: bind, source: ., target: /src, bind: { selinux: z } }
    secrets: [{ source: token, mode: "0440" }]
    develop:
      watch: [{ path: ., action: sync, target: /src, include: "*.js", ignore: node_modules/ }]
    build:
      context: .
      ssh: [default]
      secrets: [token]
      cache_to: [type=inline]
      privileged: true
      entitlements: [network.host]
      provenance: true
      sbom: "true"
      no_cache_filter: [deps]
      ulimits: { nofile: { soft: 1024, hard: 2048 } }
  db:
    image: postgres
    command: null
    develop: null
    pull_policy: daily
    provider: { type: model, options: { model: ai/smollm2, flags: [a, b] } }
networks:
  back: { enable_ipv4: true }
secrets:
  token: { environment: TOKEN }
`;
    expect(schemaIssues(yaml)).toEqual([]);
    // What devstack models of it loads too (image mounts and secrets from the environment are refused later,
    // by the mapping, with their own located message).
    const loadable = yaml.replace(/ {6}- \{ type: image.*\n/, '').replace('{ environment: TOKEN }', '{ file: ./labels }');
    const p = await loadYaml(loadable, {}, { labels: 'a=b\n' });
    expect(Object.keys(p.services).sort()).toEqual(['db', 'web']);
  });

  it('still refuses unknown keys and wrong shapes of the new ones', () => {
    expect(schemaIssues('services:\n  web:\n    image: a\n    cgroup: shared\n    gpus: some\n    post_start: [{ user: root }]\n')).toEqual([
      '4:13: services.web.cgroup: must be one of "host", "private"',
      '5:11: services.web.gpus: must be one of "all"',
      '6:18: services.web.post_start[0]: missing required key "command"',
    ]);
  });

  it('refuses a restart policy Docker does not know, at its line', async () => {
    expect(await errorLines(loadYaml('services:\n  web:\n    image: a\n    restart: sometimes\n'))).toEqual([
      'compose.yaml:4:14: services.web.restart: "sometimes" is not a restart policy (no, always, on-failure[:N], unless-stopped)',
    ]);
    const p = await loadYaml('services:\n  web:\n    image: a\n    restart: on-failure:3\n');
    expect(p.services.web!.restart).toBe('on-failure:3');
  });
});

describe('interpolate, then cast, then validate', () => {
  it('casts interpolated values and YAML 1.1 booleans to the field type', async () => {
    const yaml = [
      'services:',
      '  web:',
      '    image: a',
      '    tty: $FLAG',
      '    init: yes',
      '    stdin_open: "off"',
      '    scale: ${N}',
      '    healthcheck: { test: [CMD, "true"], retries: "${N}" }',
    ].join('\n');
    const p = await loadYaml(yaml, { environment: { FLAG: 'true', N: '3' } });
    expect(p.services.web!.tty).toBe(true);
    expect(p.services.web!.init).toBe(true);
    expect(p.services.web!.healthcheck?.retries).toBe(3);
  });

  it('names the variable when its value is not of the field type', async () => {
    expect(await errorLines(loadYaml('services:\n  web:\n    image: a\n    tty: $FLAG\n', { environment: { FLAG: 'maybe' } }))).toEqual([
      'compose.yaml:4:10: services.web.tty: "maybe" (from $FLAG) is not a boolean (true/false, yes/no, on/off)',
    ]);
    expect(await errorLines(loadYaml('services:\n  web:\n    image: a\n    cgroup: ${CG}\n', { environment: { CG: 'shared' } }))).toEqual([
      'compose.yaml:4:13: services.web.cgroup: must be one of "host", "private" (from $CG)',
    ]);
    expect(await errorLines(loadYaml('services:\n  web:\n    image: a\n    scale: "two"\n'))).toEqual([
      'compose.yaml:4:12: services.web.scale: "two" is not a whole number',
    ]);
  });
});

describe('interpolation as compose v2 does it', () => {
  it('keeps a lone $ that starts no variable', async () => {
    const yaml = 'services:\n  web:\n    image: a\n    command: sh -c \'echo $(date) costs 5$\'\n    labels: { match: "^v[0-9]+$" }\n';
    const p = await loadYaml(yaml);
    expect(p.services.web!.command).toEqual(['sh', '-c', 'echo $(date) costs 5$']);
    expect(p.services.web!.labels.match).toBe('^v[0-9]+$');
  });

  it('reads a default that contains braces whole', async () => {
    const yaml = 'services:\n  web:\n    image: a\n    environment: { J: \'${JSON:-{"json":1}}\' }\n';
    expect((await loadYaml(yaml, { environment: { JSON: '[2]' } })).services.web!.environment.J).toBe('[2]');
    expect((await loadYaml(yaml)).services.web!.environment.J).toBe('{"json":1}');
  });

  it('sets COMPOSE_PROJECT_NAME from name: for interpolation', async () => {
    const yaml = 'name: shop\nservices:\n  web:\n    image: a\n    environment: { P: "${COMPOSE_PROJECT_NAME}" }\n';
    expect((await loadYaml(yaml)).services.web!.environment.P).toBe('shop');
    expect((await loadYaml(yaml, { projectName: 'other' })).services.web!.environment.P).toBe('other');
    const upper = await loadYaml(yaml.replace('name: shop', 'name: "${SHOP:-My Shop}"'));
    expect(upper.name).toBe('myshop');
    expect(upper.services.web!.environment.P).toBe('myshop');
  });
});

describe('extends, merge tags, include and documents', () => {
  it('validates only the extended service of the other file', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  web:\n    extends: { file: base.yaml, service: app }\n',
      'base.yaml': 'services:\n  app:\n    image: alpine\n  broken:\n',
    });
    const p = await loadIn(dir);
    expect(p.services.web!.image).toBe('alpine');
  });

  it('reports a broken extended service once, without a false "undefined service"', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  web:\n    extends: { file: base.yaml, service: app }\n',
      'base.yaml': 'services:\n  app:\n    image: alpine\n    tty: perhaps\n',
    });
    expect(await errorLines(loadIn(dir))).toEqual([
      'base.yaml:4:10: services.app.tty: "perhaps" is not a boolean (true/false, yes/no, on/off)',
    ]);
  });

  it('honours !reset and !reset null on any field', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  web:\n    image: a\n    tty: true\n    init: true\n    ports: ["80:80"]\n',
      'compose.override.yaml': 'services:\n  web:\n    tty: !reset null\n    init: !reset\n    ports: !reset []\n',
    });
    const p = await loadIn(dir);
    expect(p.services.web!.tty).toBe(false);
    expect(p.services.web!.init).toBeUndefined();
    expect(p.services.web!.ports).toEqual([]);
    const single = await loadYaml('services:\n  web:\n    image: a\n    tty: !reset null\n    cpus: !override 0.5\n');
    expect(single.services.web!.tty).toBe(false);
  });

  it('loads a file included directly and through another include once', async () => {
    const dir = writeProject({
      'compose.yaml': 'include: [shared.yaml, app.yaml]\nservices:\n  web: { image: a }\n',
      'app.yaml': 'include: [shared.yaml]\nservices:\n  api: { image: b }\n',
      'shared.yaml': 'services:\n  db: { image: postgres }\n',
    });
    expect(Object.keys((await loadIn(dir)).services).sort()).toEqual(['api', 'db', 'web']);
  });

  it('merges the documents of a multi-document file in order', async () => {
    const p = await loadYaml('services:\n  web: { image: a, ports: ["80:80"] }\n---\nservices:\n  web: { image: b }\n  db: { image: c }\n');
    expect(p.services.web!.image).toBe('b');
    expect(p.services.web!.ports).toHaveLength(1);
    expect(p.services.db!.image).toBe('c');
  });
});
