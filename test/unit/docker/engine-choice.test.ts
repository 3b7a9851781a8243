import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevstackError } from '../../../src/core/errors.js';
import { chooseEngine, contextId, describeEngineChoice } from '../../../src/engine/docker/engine-choice.js';
import { dialStdioArgs, forwardArgs } from '../../../src/engine/docker/ssh-stdio.js';

const CONFIG = '/home/ann/.docker';

/** A docker config folder as `docker context create` leaves it, in memory. */
function store(contexts: Record<string, { host: string; skipTls?: boolean; tls?: boolean }>, current?: string) {
  const files = new Map<string, string>();
  const dirs = new Set<string>();
  if (current !== undefined) files.set(path.join(CONFIG, 'config.json'), JSON.stringify({ auths: {}, currentContext: current }));
  for (const [name, c] of Object.entries(contexts)) {
    const id = contextId(name);
    files.set(path.join(CONFIG, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: c.host, SkipTLSVerify: c.skipTls ?? false } } }));
    if (c.tls) dirs.add(path.join(CONFIG, 'contexts', 'tls', id, 'docker'));
  }
  return { readFile: (f: string) => files.get(f), exists: (f: string) => dirs.has(f) };
}

const contexts = store({ devbox: { host: 'ssh://dev@10.0.0.5' }, secure: { host: 'tcp://10.0.0.6:2376', tls: true }, lax: { host: 'tcp://10.0.0.7:2376', skipTls: true } }, 'devbox');

describe('chooseEngine: the docker CLI order', () => {
  it('--context wins over DOCKER_HOST and DOCKER_CONTEXT', () => {
    const choice = chooseEngine({ env: { HOME: '/home/ann', DOCKER_HOST: 'tcp://x:1', DOCKER_CONTEXT: 'secure' }, contextFlag: 'devbox', ...contexts });
    expect(describeEngineChoice(choice)).toBe('context devbox (from --context) → ssh://dev@10.0.0.5');
    expect(choice.endpoint).toEqual({
      kind: 'ssh',
      host: '10.0.0.5',
      user: 'dev',
      address: 'ssh://dev@10.0.0.5',
      sshOptions: [], // no shared connection unless its master persists on its own (DOCKER_SSH_MUX_PERSIST)
    });
    const mux = chooseEngine({ env: { HOME: '/home/ann', DOCKER_SSH_MUX_PERSIST: '60s' }, contextFlag: 'devbox', ...contexts });
    expect(mux.endpoint).toMatchObject({ sshOptions: ['-o', 'ControlMaster=auto', '-o', `ControlPath=${CONFIG}/%r@%h:%p`, '-o', 'ControlPersist=60s'] });
    const noMux = chooseEngine({ env: { HOME: '/home/ann', DOCKER_SSH_NO_MUX: '1', DOCKER_SSH_MUX_PERSIST: '60s' }, contextFlag: 'devbox', ...contexts });
    expect(noMux.endpoint).toMatchObject({ sshOptions: [] });
  });

  it('DOCKER_HOST wins over DOCKER_CONTEXT, and says so', () => {
    const choice = chooseEngine({ env: { HOME: '/home/ann', DOCKER_HOST: 'unix:///run/d.sock', DOCKER_CONTEXT: 'devbox' }, ...contexts });
    expect(describeEngineChoice(choice)).toBe('DOCKER_HOST → unix:///run/d.sock');
    expect(choice.overridden).toMatch(/DOCKER_CONTEXT=devbox is not used: DOCKER_HOST is set/);
  });

  it('DOCKER_CONTEXT over the current context; TLS files from the context store', () => {
    const choice = chooseEngine({ env: { HOME: '/home/ann', DOCKER_CONTEXT: 'secure' }, ...contexts });
    expect(describeEngineChoice(choice)).toBe('context secure (from DOCKER_CONTEXT) → tcp://10.0.0.6:2376');
    expect(choice.endpoint).toMatchObject({ kind: 'tcp', tls: true, certPath: path.join(CONFIG, 'contexts', 'tls', contextId('secure'), 'docker'), certFilesOptional: true });
  });

  it('skip-tls-verify contexts use TLS without a CA', () => {
    const choice = chooseEngine({ env: { HOME: '/home/ann', DOCKER_CONTEXT: 'lax' }, ...contexts });
    expect(choice.endpoint).toMatchObject({ kind: 'tcp', tls: true, skipTlsVerify: true });
  });

  it('currentContext in $DOCKER_CONFIG/config.json, else the default socket', () => {
    expect(describeEngineChoice(chooseEngine({ env: { HOME: '/home/ann' }, ...contexts }))).toBe('context devbox (from current context) → ssh://dev@10.0.0.5');
    const none = store({});
    expect(describeEngineChoice(chooseEngine({ env: { DOCKER_CONFIG: '/elsewhere' }, ...none }))).toBe('default → unix:///var/run/docker.sock');
  });

  it('the context named default is DOCKER_HOST or the socket', () => {
    expect(chooseEngine({ env: { HOME: '/home/ann' }, contextFlag: 'default', ...contexts }).endpoint.address).toBe('unix:///var/run/docker.sock');
  });

  it('an unknown context is an engine-unreachable error naming it and where it came from', () => {
    let caught: unknown;
    try {
      chooseEngine({ env: { HOME: '/home/ann', DOCKER_CONTEXT: 'nope' }, ...contexts });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DevstackError);
    expect((caught as DevstackError).kind).toBe('engine-unreachable');
    expect((caught as DevstackError).message).toBe(`Docker context "nope" (from DOCKER_CONTEXT) does not exist in ${CONFIG}/contexts`);
    expect((caught as DevstackError).hint).toMatch(/docker context ls/);
  });
});

describe('ssh command lines', () => {
  it('runs docker system dial-stdio like the docker CLI, failing fast instead of prompting', () => {
    expect(dialStdioArgs({ host: 'box', user: 'dev', port: 2222 })).toEqual([
      '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=4', '-o', 'ServerAliveInterval=15', '-T', '-l', 'dev', '-p', '2222', '--', 'box', 'docker', 'system', 'dial-stdio',
    ]);
    expect(dialStdioArgs({ host: 'box', socketPath: '/run/d.sock' }).slice(-4)).toEqual(['docker', '--host=unix:///run/d.sock', 'system', 'dial-stdio']);
  });

  it('reaches a port as the engine host sees it with -W', () => {
    expect(forwardArgs({ host: 'box' }, '127.0.0.1', 5432).slice(0, 2)).toEqual(['-W', '127.0.0.1:5432']);
    expect(forwardArgs({ host: 'box' }, '::1', 5432).slice(0, 2)).toEqual(['-W', '[::1]:5432']);
  });
});
