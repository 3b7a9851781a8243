// Who can use a bind-mounted folder, and which user a Dockerfile ends with.
import { describe, expect, it } from 'vitest';
import { dockerfileUser, mayUse, numericUser, userFromDockerfile } from '../../../src/core/bind-mount-access.js';

const clone = { uid: 1000, gid: 1000, mode: 0o755 };

describe('bind-mount access', () => {
  it('owner, group and other bits, root always', () => {
    expect(mayUse({ uid: 1000, spec: '1000' }, clone, 'write')).toBe(true);
    expect(mayUse({ uid: 1001, spec: '1001' }, clone, 'read')).toBe(true);
    expect(mayUse({ uid: 1001, spec: '1001' }, clone, 'write')).toBe(false);
    expect(mayUse({ uid: 1001, gid: 1000, spec: '1001:1000' }, { ...clone, mode: 0o775 }, 'write')).toBe(true);
    expect(mayUse({ uid: 1001, spec: '1001' }, { ...clone, mode: 0o700 }, 'read')).toBe(false);
    expect(mayUse({ uid: 0, spec: 'root' }, { ...clone, mode: 0o700 }, 'write')).toBe(true);
  });

  it('user specs: numbers and root map, other names do not', () => {
    expect(numericUser('1000:50')).toEqual({ uid: 1000, gid: 50, spec: '1000:50' });
    expect(numericUser('')).toEqual({ uid: 0, spec: '' });
    expect(numericUser('root')).toEqual({ uid: 0, spec: 'root' });
    expect(numericUser('node')).toBeUndefined();
  });

  it('the final USER of a Dockerfile, build args over ARG defaults', () => {
    const text = 'FROM node:20 AS build\nUSER 5\nFROM node:20-alpine\nARG DEV_UID=1000\nARG DEV_GID=1000\nUSER ${DEV_UID}:${DEV_GID}\n';
    expect(dockerfileUser(text, {})).toBe('1000:1000');
    expect(dockerfileUser(text, { DEV_UID: '1234' })).toBe('1234:1000');
    expect(dockerfileUser(text, {}, 'build')).toBe('5');
    expect(dockerfileUser('FROM x:1\nUSER $WHO\n', {})).toBeUndefined();
    expect(dockerfileUser('FROM x:1\nRUN true\n', {})).toBe('');
  });
});

describe('named users from the Dockerfile that creates them', () => {
  it('useradd/groupadd, busybox adduser/addgroup, the seed\'s order of arguments; unknown names stay unknown', () => {
    const debian = 'FROM node:20\nRUN groupadd -g 1001 nodejs && useradd -u 1001 -g nodejs -m -s /bin/sh nodejs\nUSER nodejs\n';
    expect(userFromDockerfile(debian, 'nodejs')).toEqual({ uid: 1001, gid: 1001, spec: 'nodejs' });
    const seed = 'FROM node:20-alpine\nRUN addgroup -g 1001 -S nodejs && adduser -S nodejs -u 1001\nUSER nodejs\n';
    expect(userFromDockerfile(seed, 'nodejs')).toEqual({ uid: 1001, gid: 1001, spec: 'nodejs' });
    const alpine = 'FROM node:20-alpine\nRUN addgroup -g 2000 -S app && adduser -S -u 1500 -G app web\n';
    expect(userFromDockerfile(alpine, 'web:app')).toEqual({ uid: 1500, gid: 2000, spec: 'web:app' });
    expect(userFromDockerfile(seed, 'node')).toBeUndefined();
  });
});
