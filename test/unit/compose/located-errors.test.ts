import { describe, expect, it } from 'vitest';
import { composeErrorOf, loadIn, loadYaml, writeProject } from './temp-project.js';

/** `file:line:col: message` lines with the temp folder cut off. */
async function errorLines(yaml: string, extra: Record<string, string> = {}): Promise<string[]> {
  const error = await composeErrorOf(loadYaml(yaml, {}, extra));
  expect(error.kind).toBe('compose');
  return error.message.split('\n').map((line) => line.replace(/^.*\/(?=[^/]+:\d+:\d+:)/, ''));
}

describe('located errors', () => {
  it('reports YAML syntax errors with line:col, all of them', async () => {
    const lines = await errorLines('services:\n  web:\n    image: [a\n  db: {\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^compose\.yaml:\d+:\d+: YAML syntax error: /);
    expect(await errorLines('a: 1\na: 2\n')).toEqual(['compose.yaml:2:1: YAML syntax error: Map keys must be unique']);
  });

  it('reports several schema errors together, each at its node', async () => {
    const lines = await errorLines(
      [
        'services:',
        '  web:',
        '    image: nginx',
        '    ports: [true]',
        '    restart: [always]',
        '    depends_on: { db: { condition: sometimes } }',
        '    bogus: 1',
        '    build: { context: ., foo: bar }',
        '    healthcheck: { interval: soon }',
        '    extends: { file: x.yaml }',
        '  db: { image: pg }',
        'volumes: { data: { driver: 5 } }',
      ].join('\n'),
    );
    expect(lines).toEqual([
      'compose.yaml:4:13: services.web.ports[0]: must be number, string or object',
      'compose.yaml:5:5: services.web.restart: must be string',
      'compose.yaml:6:36: services.web.depends_on.db.condition: must be one of "service_started", "service_healthy", "service_completed_successfully"',
      'compose.yaml:7:5: services.web: unknown key "bogus"',
      'compose.yaml:8:26: services.web.build: unknown key "foo"',
      'compose.yaml:9:30: services.web.healthcheck.interval: invalid duration "soon"',
      'compose.yaml:10:5: services.web.extends: missing required key "service"',
      'compose.yaml:12:28: volumes.data.driver: must be string',
    ]);
  });

  it('a duration is read as Go reads it: -5s is one, but a compose field refuses it at its line; 30 has no unit', async () => {
    const lines = await errorLines(['services:', '  web:', '    image: nginx', '    healthcheck: { interval: -5s, timeout: "30" }'].join('\n'));
    expect(lines).toEqual([
      'compose.yaml:4:44: services.web.healthcheck.timeout: invalid duration "30"',
    ]);
    const negative = await errorLines(['services:', '  web:', '    image: nginx', '    healthcheck: { interval: -5s }'].join('\n'));
    expect(negative).toEqual([expect.stringMatching(/^compose\.yaml:4:\d+: .*healthcheck\.interval: invalid duration "-5s"/)]);
  });

  it('accepts the keys the overlay adds', async () => {
    const p = await loadYaml(
      [
        'name: demo',
        'x-anchor: 1',
        'services:',
        '  db: { image: pg }',
        '  web:',
        '    image: a',
        '    x-note: anything',
        '    depends_on: { db: { condition: service_healthy, required: false, restart: true } }',
        '    build: { context: ., no_cache: true }',
        '    develop: { watch: [{ action: sync+restart, path: ., target: /app, initial_sync: true }] }',
      ].join('\n'),
    );
    expect(p.name).toBe('demo');
    expect(p.services.web!.dependsOn.db).toEqual({ condition: 'service_healthy', required: false, restart: true });
  });

  it('rejects a bad develop.watch action', async () => {
    const lines = await errorLines('services:\n  web:\n    image: a\n    develop: { watch: [{ action: teleport, path: . }] }\n');
    expect(lines).toEqual([
      'compose.yaml:4:34: services.web.develop.watch[0].action: must be one of "sync", "rebuild", "sync+restart", "restart", "sync+exec"',
    ]);
  });

  it('reports a depends_on naming an unknown service', async () => {
    const lines = await errorLines('services:\n  backend:\n    image: a\n    depends_on:\n      - db\n');
    expect(lines).toEqual(['compose.yaml:5:9: service "backend" depends on undefined service "db"']);
    const long = await errorLines('services:\n  backend:\n    image: a\n    depends_on:\n      db: { condition: service_healthy }\n');
    expect(long).toEqual(['compose.yaml:5:7: service "backend" depends on undefined service "db"']);
  });

  it('reports a missing required variable at its value', async () => {
    const lines = await errorLines('services:\n  web:\n    image: "${IMAGE:?set IMAGE to the image to run}"\n');
    expect(lines).toEqual(['compose.yaml:3:12: required variable IMAGE is missing a value: set IMAGE to the image to run']);
    expect(await errorLines('services:\n  web:\n    image: cost ${5}\n')).toEqual([
      'compose.yaml:3:12: invalid interpolation format in "cost ${5}"; to write a literal $, double it: $$',
    ]);
  });

  it('reports an undeclared named volume and network', async () => {
    const lines = await errorLines('services:\n  web:\n    image: a\n    volumes: [pgdata:/data]\n    networks: [back]\n');
    expect(lines).toEqual([
      'compose.yaml:4:15: services.web.volumes[0]: named volume "pgdata" is not declared in the top-level volumes; add "volumes: { pgdata: {} }"',
      'compose.yaml:5:16: service "web" uses undefined network "back"',
    ]);
  });

  it('reports a bad x-devstack.ready listing the valid forms', async () => {
    const lines = await errorLines('services:\n  web:\n    image: a\n    x-devstack:\n      ready: mysql\n      timeout: forever\n');
    expect(lines).toEqual([
      'compose.yaml:5:14: services.web.x-devstack.ready: invalid value "mysql"; valid forms: postgres, redis, http:/path, http:/path:200, tcp, tcp:5432, log:REGEX, healthcheck, none',
    ]);
  });

  it('reports bad ports, volumes and commands at their entries', async () => {
    const lines = await errorLines(
      'services:\n  web:\n    image: a\n    ports: ["99999:80", "8000-8001:80-82"]\n    volumes: ["./x:relative"]\n    command: echo "unterminated\n',
    );
    expect(lines).toEqual([
      'compose.yaml:6:14: services.web.command: unterminated " quote in "echo \\"unterminated"',
      'compose.yaml:4:13: services.web.ports[0]: invalid port "99999:80": "99999" is not a port or port range (1-65535)',
      'compose.yaml:4:25: services.web.ports[1]: invalid port "8000-8001:80-82": the host and container port ranges differ in size',
      'compose.yaml:5:15: services.web.volumes[0]: invalid volume "./x:relative": the container path "relative" must be absolute',
    ]);
  });

  it('reports errors of every file, each in its own file', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  web:\n    image: [1]\n',
      'compose.override.yaml': 'services:\n  web:\n    tty: maybe\n',
    });
    const error = await composeErrorOf(loadIn(dir));
    expect(error.issues.map((i) => `${i.location.file.split('/').pop()}:${i.location.line}`)).toEqual(['compose.yaml:3', 'compose.override.yaml:3']);
  });

  it('reports .env errors at file:line', async () => {
    const error = await composeErrorOf(loadYaml('services:\n  web:\n    image: a\n', {}, { '.env': 'OK=1\nnot valid\n' }));
    expect(error.issues[0]!.location).toMatchObject({ line: 2 });
    expect(error.issues[0]!.location.file).toMatch(/\.env$/);
  });
});
