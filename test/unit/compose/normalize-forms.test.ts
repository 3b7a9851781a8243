import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShortPort, PortSyntaxError } from '../../../src/compose/normalize/ports.js';
import { ShellSyntaxError, splitShellWords } from '../../../src/compose/normalize/shell-words.js';
import { loadYaml, writeProject, loadIn } from './temp-project.js';

describe('ports', () => {
  const rows: [string, object[]][] = [
    ['5437:5432', [{ target: 5432, published: 5437, protocol: 'tcp' }]],
    ['127.0.0.1:5432:5432', [{ target: 5432, published: 5432, hostIp: '127.0.0.1', protocol: 'tcp' }]],
    ['5432', [{ target: 5432, protocol: 'tcp' }]],
    ['53:53/udp', [{ target: 53, published: 53, protocol: 'udp' }]],
    ['127.0.0.1::80', [{ target: 80, hostIp: '127.0.0.1', protocol: 'tcp' }]],
    ['[::1]:80:8080', [{ target: 8080, published: 80, hostIp: '::1', protocol: 'tcp' }]],
    ['8000-8001:8000-8001', [{ target: 8000, published: 8000, protocol: 'tcp' }, { target: 8001, published: 8001, protocol: 'tcp' }]],
    ['3000-3001', [{ target: 3000, protocol: 'tcp' }, { target: 3001, protocol: 'tcp' }]],
  ];
  it.each(rows)('short %s', (text, expected) => {
    expect(parseShortPort(text)).toEqual(expected);
  });

  it.each(['abc', '1:2:3:4', '70000:80', '8000-8002:80-81', '80/sctp', '0:80', ''])('rejects %j', (text) => {
    expect(() => parseShortPort(text)).toThrow(PortSyntaxError);
  });

  it('reads numbers and the long syntax', async () => {
    const p = await loadYaml('services:\n  web:\n    image: a\n    ports:\n      - 8080\n      - { target: 80, published: "8081", host_ip: 0.0.0.0, protocol: udp }\n      - target: 81\n');
    expect(p.services.web!.ports.map(({ source: _s, ...rest }) => rest)).toEqual([
      { target: 8080, protocol: 'tcp' },
      { target: 80, published: 8081, hostIp: '0.0.0.0', protocol: 'udp' },
      { target: 81, protocol: 'tcp' },
    ]);
    expect(p.services.web!.ports[1]!.source).toMatchObject({ line: 6, col: 9 });
  });
});

describe('volumes', () => {
  it('reads short and long forms, resolving host paths', async () => {
    const home = '/home/tester';
    const p = await loadYaml(
      [
        'services:',
        '  web:',
        '    image: a',
        '    volumes:',
        '      - ./backend:/app',
        '      - ../shared:/shared:ro',
        '      - ~/cache:/cache',
        '      - /abs:/abs:rw',
        '      - data:/data:ro',
        '      - /app/node_modules',
        '      - { type: bind, source: ./src, target: /src, read_only: true, bind: { create_host_path: true } }',
        '      - { type: volume, source: data, target: /more, volume: { nocopy: true } }',
        '      - { type: volume, target: /anon }',
        '      - { type: tmpfs, target: /tmp }',
        '      - { type: bind, source: ./made, target: /made }',
        '      - { type: bind, source: ./must, target: /must, bind: { create_host_path: false } }',
        'volumes:',
        '  data:',
      ].join('\n'),
      { environment: { HOME: home } },
    );
    const dir = p.workingDir;
    // Each entry keeps where it was written (the errors and warnings about one mount point at its line).
    const at = (line: number) => ({ file: path.join(dir, 'compose.yaml'), line, col: 9 });
    expect(p.services.web!.volumes).toEqual([
      { type: 'bind', source: path.join(dir, 'backend'), target: '/app', readOnly: false, createHostPath: true, location: at(5) },
      { type: 'bind', source: path.join(path.dirname(dir), 'shared'), target: '/shared', readOnly: true, createHostPath: true, location: at(6) },
      { type: 'bind', source: '/home/tester/cache', target: '/cache', readOnly: false, createHostPath: true, location: at(7) },
      { type: 'bind', source: '/abs', target: '/abs', readOnly: false, createHostPath: true, location: at(8) },
      { type: 'volume', source: 'data', target: '/data', readOnly: true, location: at(9) },
      { type: 'volume', target: '/app/node_modules', readOnly: false, location: at(10) },
      { type: 'bind', source: path.join(dir, 'src'), target: '/src', readOnly: true, createHostPath: true, location: at(11) },
      { type: 'volume', source: 'data', target: '/more', readOnly: false, noCopy: true, location: at(12) },
      { type: 'volume', target: '/anon', readOnly: false, location: at(13) },
      { type: 'tmpfs', target: '/tmp', readOnly: false, location: at(14) },
      // The long syntax creates a missing host folder too, unless it says not to (as compose does).
      { type: 'bind', source: path.join(dir, 'made'), target: '/made', readOnly: false, createHostPath: true, location: at(15) },
      { type: 'bind', source: path.join(dir, 'must'), target: '/must', readOnly: false, createHostPath: false, location: at(16) },
    ]);
    expect(os.homedir()).toBeTruthy();
  });
});

describe('environment', () => {
  it('reads list and map forms; bare keys take the shell value or are dropped', async () => {
    const shell = { FROM_SHELL: 's', EMPTY_SHELL: '' };
    const list = await loadYaml('services:\n  web:\n    image: a\n    environment: [A=1, B=, C, FROM_SHELL, "D=x=y"]\n', { environment: shell });
    expect(list.services.web!.environment).toEqual({ A: '1', B: '', FROM_SHELL: 's', D: 'x=y' });
    const map = await loadYaml('services:\n  web:\n    image: a\n    environment:\n      N: 5\n      F: 1.5\n      T: true\n      S: str\n      E: ""\n      X:\n      EMPTY_SHELL:\n', { environment: shell });
    expect(map.services.web!.environment).toEqual({ N: '5', F: '1.5', T: 'true', S: 'str', E: '', EMPTY_SHELL: '' });
  });

  it('reads env_file entries first, relative to the project dir', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  web:\n    image: a\n    env_file: [config/common.env, { path: missing.env, required: false }]\n    environment: { B: override }\n',
      'config/common.env': 'A=1\nB=2\n# c\nC="q ${HOST_VAR}"\n',
    });
    const p = await loadIn(dir, { environment: { HOST_VAR: 'h' } });
    expect(p.services.web!.environment).toEqual({ A: '1', B: 'override', C: 'q h' });
  });
});

describe('healthcheck, durations, commands, build', () => {
  it.each([
    ['redis-server --appendonly yes', ['redis-server', '--appendonly', 'yes']],
    [`sh -c 'echo "hi there"'`, ['sh', '-c', 'echo "hi there"']],
    ['echo "a \\"b\\" c" d\\ e', ['echo', 'a "b" c', 'd e']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['empty "" arg', ['empty', '', 'arg']],
  ])('splits %j', (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
  });
  it('rejects unterminated quotes', () => {
    expect(() => splitShellWords('echo "open')).toThrow(ShellSyntaxError);
  });

  it('normalizes healthcheck forms, build forms and service flags', async () => {
    const p = await loadYaml(
      [
        'services:',
        '  a:',
        '    build: .',
        '    healthcheck: { test: curl -f localhost, interval: 1m30s, timeout: 500ms, start_period: 1h, start_interval: 2s, retries: 3 }',
        '    stop_grace_period: 20s',
        '    tty: true',
        '    stdin_open: true',
        '    init: true',
        '    pull_policy: never',
        '  b:',
        '    image: x',
        '    healthcheck: { disable: true }',
        '    build: { context: ./b, args: { X: 1, Y: null }, target: dev, labels: [l=1], no_cache: true }',
        '    networks: { front: { aliases: [api] } }',
        '  c:',
        '    image: x',
        '    network_mode: host',
        '    extra_hosts: { db: 10.0.0.1 }',
        'networks:',
        '  front:',
        '  ext: { external: true }',
        '  named: { name: custom }',
      ].join('\n'),
      { environment: { Y: 'from-shell' } },
    );
    const { a, b, c } = p.services;
    expect(a!.healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -f localhost'], intervalMs: 90_000, timeoutMs: 500, startPeriodMs: 3_600_000, startIntervalMs: 2000, retries: 3, disable: false });
    expect(a!.build).toEqual({ context: p.workingDir, dockerfile: 'Dockerfile', args: {}, labels: {} });
    expect(a).toMatchObject({ stopGracePeriodMs: 20_000, tty: true, stdinOpen: true, init: true, pullPolicy: 'never' });
    expect(b!.healthcheck).toEqual({ test: ['NONE'], disable: true });
    expect(b!.build).toEqual({ context: path.join(p.workingDir, 'b'), dockerfile: 'Dockerfile', args: { X: '1', Y: 'from-shell' }, target: 'dev', labels: { l: '1' }, noCache: true });
    expect(b!.networks).toEqual({ front: { aliases: ['api'] } });
    expect(c!.networks).toEqual({});
    expect(c!.extraHosts).toEqual(['db:10.0.0.1']);
    expect(p.networks).toEqual({
      front: { name: `${p.name}_front`, external: false, labels: {} },
      ext: { name: 'ext', external: true, labels: {} },
      named: { name: 'custom', external: false, labels: {} },
      default: { name: `${p.name}_default`, external: false, labels: {} },
    });
  });

  it('reads x-devstack and develop.watch', async () => {
    const p = await loadYaml(
      [
        'services:',
        '  db: { image: pg, x-devstack: { ready: postgres, timeout: 45s } }',
        '  api:',
        '    image: api',
        '    x-devstack: { ready: "http:/health:204" }',
        '    develop:',
        '      watch:',
        '        - { action: sync, path: ./src, target: /app/src, ignore: [node_modules/] }',
        '        - { action: rebuild, path: package.json }',
        '        - { action: sync+exec, path: ./cfg, target: /cfg, exec: { command: reload now, environment: { A: 1 } } }',
        '  t1: { image: x, x-devstack: { ready: tcp } }',
        '  t2: { image: x, x-devstack: { ready: "tcp:5432" } }',
        '  l: { image: x, x-devstack: { ready: "log:ready to accept" } }',
        '  h: { image: x, x-devstack: { ready: http:/ } }',
      ].join('\n'),
    );
    const s = p.services;
    expect(s.db!.devstack).toEqual({ ready: { kind: 'postgres' }, timeoutMs: 45_000 });
    expect(s.api!.devstack).toEqual({ ready: { kind: 'http', path: '/health', status: 204 } });
    expect(s.t1!.devstack.ready).toEqual({ kind: 'tcp' });
    expect(s.t2!.devstack.ready).toEqual({ kind: 'tcp', port: 5432 });
    expect(s.l!.devstack.ready).toEqual({ kind: 'log', pattern: 'ready to accept' });
    expect(s.h!.devstack.ready).toEqual({ kind: 'http', path: '/' });
    expect(s.api!.develop!.watch.map((r) => r.source?.line)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    expect(s.api!.develop!.watch.map(({ source: _source, ...r }) => r)).toEqual([
      { action: 'sync', path: path.join(p.workingDir, 'src'), target: '/app/src', ignore: ['node_modules/'], include: [], initialSync: false },
      { action: 'rebuild', path: path.join(p.workingDir, 'package.json'), ignore: [], include: [], initialSync: false },
      { action: 'sync+exec', path: path.join(p.workingDir, 'cfg'), target: '/cfg', ignore: [], include: [], initialSync: false, exec: { command: ['reload', 'now'], environment: { A: '1' } } },
    ]);
  });

  it('supports anchors, aliases and merge keys', async () => {
    const p = await loadYaml(
      'x-common: &common\n  image: base\n  environment: { A: "1" }\nservices:\n  a:\n    <<: *common\n    image: mine\n  b: *common\n',
    );
    expect(p.services.a).toMatchObject({ image: 'mine', environment: { A: '1' } });
    expect(p.services.b).toMatchObject({ image: 'base', environment: { A: '1' } });
  });

  it('interpolates values but not keys, and warns once per unset variable', async () => {
    const p = await loadYaml('services:\n  web:\n    image: ${IMG:-nginx}:${TAG}\n    environment:\n      $KEY: ${TAG}\n', { environment: {} });
    expect(p.services.web!.image).toBe('nginx:');
    expect(p.services.web!.environment).toEqual({ $KEY: '' });
    expect(p.warnings).toEqual([expect.stringMatching(/compose.yaml:3:12: variable "TAG" is not set; using an empty string$/)]);
  });
});
