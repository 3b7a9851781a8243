import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { DevstackError } from '../../../src/core/errors.js';
import { dockerodeOptions, parseDockerHost } from '../../../src/engine/docker/connect.js';

describe('parseDockerHost', () => {
  it.each([
    [{}, { kind: 'unix', socketPath: '/var/run/docker.sock', address: 'unix:///var/run/docker.sock' }],
    [{ DOCKER_HOST: '' }, { kind: 'unix', socketPath: '/var/run/docker.sock', address: 'unix:///var/run/docker.sock' }],
    [{ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, { kind: 'unix', socketPath: '/run/user/1000/docker.sock', address: 'unix:///run/user/1000/docker.sock' }],
    [{ DOCKER_HOST: 'unix://' }, { kind: 'unix', socketPath: '/var/run/docker.sock', address: 'unix:///var/run/docker.sock' }],
    [{ DOCKER_HOST: 'tcp://10.0.0.5:2375' }, { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false, address: 'tcp://10.0.0.5:2375' }],
    [{ DOCKER_HOST: 'tcp://docker.local' }, { kind: 'tcp', host: 'docker.local', port: 2375, tls: false, address: 'tcp://docker.local:2375' }],
    [{ DOCKER_HOST: 'localhost:2375' }, { kind: 'tcp', host: 'localhost', port: 2375, tls: false, address: 'tcp://localhost:2375' }],
    [{ DOCKER_HOST: 'tcp://[::1]:2375' }, { kind: 'tcp', host: '::1', port: 2375, tls: false, address: 'tcp://[::1]:2375' }],
    [
      { DOCKER_HOST: 'tcp://docker.local', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      { kind: 'tcp', host: 'docker.local', port: 2376, tls: true, certPath: '/certs', address: 'tcp://docker.local:2376' },
    ],
    [
      { DOCKER_HOST: 'tcp://docker.local:2376', DOCKER_TLS_VERIFY: '1', HOME: '/home/ann' },
      { kind: 'tcp', host: 'docker.local', port: 2376, tls: true, certPath: '/home/ann/.docker', address: 'tcp://docker.local:2376' },
    ],
    [
      { DOCKER_HOST: 'tcp://docker.local:2375', DOCKER_TLS_VERIFY: '0', DOCKER_CERT_PATH: '/certs' },
      { kind: 'tcp', host: 'docker.local', port: 2375, tls: false, address: 'tcp://docker.local:2375' },
    ],
  ])('%j', (env, expected) => {
    expect(parseDockerHost(env)).toEqual(expected);
  });

  it.each([
    ['ssh://me@box', { kind: 'ssh', host: 'box', user: 'me', address: 'ssh://me@box' }],
    ['ssh://box:2222', { kind: 'ssh', host: 'box', port: 2222, address: 'ssh://box:2222' }],
    ['ssh://me@box/run/user/1000/docker.sock', { kind: 'ssh', host: 'box', user: 'me', socketPath: '/run/user/1000/docker.sock', address: 'ssh://me@box/run/user/1000/docker.sock' }],
  ])('ssh: %s', (host, expected) => {
    expect(parseDockerHost({ DOCKER_HOST: host })).toEqual(expected);
  });

  it.each(['ssh://me:secret@box', 'npipe:////./pipe/docker_engine', 'tcp://', 'http://[bad'])('refuses %s', (host) => {
    let caught: unknown;
    try {
      parseDockerHost({ DOCKER_HOST: host });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DevstackError);
    expect((caught as DevstackError).kind).toBe('engine-unreachable');
    expect((caught as DevstackError).message).toContain(host);
    expect((caught as DevstackError).hint).toMatch(/DOCKER_HOST/);
  });
});

describe('dockerodeOptions', () => {
  it('sets every connection key so process.env cannot override the given env', () => {
    const unix = dockerodeOptions(parseDockerHost({}));
    expect(unix).toEqual({
      socketPath: '/var/run/docker.sock',
      host: undefined,
      port: undefined,
      protocol: 'http',
      agent: expect.any(http.Agent),
    });
    // Node's global agent's settings, and no TLS server name to derive.
    expect((unix.agent as http.Agent & { options: object }).options).toMatchObject({ keepAlive: true, scheduling: 'lifo', timeout: 5000, servername: '' });
    expect(dockerodeOptions(parseDockerHost({ DOCKER_HOST: 'tcp://h:1234' }))).toEqual({
      socketPath: undefined,
      host: 'h',
      port: 1234,
      protocol: 'http',
    });
  });

  it('names the missing TLS file', () => {
    const endpoint = parseDockerHost({ DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent-certs' });
    expect(() => dockerodeOptions(endpoint)).toThrow(/\/nonexistent-certs\/ca\.pem/);
  });
});
