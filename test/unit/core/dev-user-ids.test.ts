// Which uid/gid devstack offers a dev container (DEVSTACK_UID/GID), and that the shell and .env still win.
import { describe, expect, it } from 'vitest';
import { devUserIds } from '../../../src/core/dev-user-ids.js';
import { loadIn, writeProject } from '../compose/temp-project.js';

const owner = { uid: 1234, gid: 2345 };

describe('devUserIds', () => {
  it('a local rootful engine on Linux: the project folder\'s owner', () => {
    expect(devUserIds({ platform: 'linux', owner })).toEqual({ uid: 1234, gid: 2345, reason: 'folder-owner' });
    expect(devUserIds({ platform: 'linux', dockerHost: 'unix:///var/run/docker.sock', owner })).toMatchObject({ uid: 1234, gid: 2345 });
  });
  it('engines that map owners (Docker Desktop) or see other folders (remote): 1000', () => {
    expect(devUserIds({ platform: 'darwin', owner })).toEqual({ uid: 1000, gid: 1000, reason: 'engine-maps-owners' });
    expect(devUserIds({ platform: 'linux', dockerHost: 'unix:///home/me/.docker/desktop/docker.sock', owner })).toMatchObject({ reason: 'engine-maps-owners' });
    expect(devUserIds({ platform: 'linux', dockerHost: 'tcp://10.0.0.2:2375', owner })).toEqual({ uid: 1000, gid: 1000, reason: 'remote-engine' });
    expect(devUserIds({ platform: 'linux' })).toMatchObject({ uid: 1000, reason: 'unknown-owner' });
  });
  it('a rootless engine: container root is the developer', () => {
    expect(devUserIds({ platform: 'linux', dockerHost: 'unix:///run/user/1000/docker.sock', owner })).toEqual({ uid: 0, gid: 0, reason: 'rootless-engine' });
  });
});

describe('the loader\'s default environment', () => {
  const compose = 'services:\n  app:\n    image: x:1\n    environment:\n      U: ${DEVSTACK_UID:-1000}\n';
  const defaults = () => ({ DEVSTACK_UID: '4242' });
  it('fills a variable nothing else sets', async () => {
    const project = await loadIn(writeProject({ 'compose.yaml': compose }), { defaultEnvironment: defaults });
    expect(project.services.app!.environment).toEqual({ U: '4242' });
  });
  it('.env and the shell win over it', async () => {
    const dir = writeProject({ 'compose.yaml': compose, '.env': 'DEVSTACK_UID=7\n' });
    expect((await loadIn(dir, { defaultEnvironment: defaults })).services.app!.environment).toEqual({ U: '7' });
    expect((await loadIn(dir, { defaultEnvironment: defaults, environment: { DEVSTACK_UID: '8' } })).services.app!.environment).toEqual({ U: '8' });
  });
});
