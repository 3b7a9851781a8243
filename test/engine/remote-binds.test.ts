// Bind mounts on a remote engine, for real (the engine scripts/remote-engine.sh runs in netns devstack-r, over
// ssh): `up --watch` keeps the volumes carrying bind-mounted folders in step with this host's folders; a single
// bind-mounted file is copied into its container (again on each edit while watching). Fails, never skips, when
// that engine is not there.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/core/labels.js';
import { devstack } from '../smoke/support/cli.js';
import { eventually, loadRemote, remoteDocker, removeRemoteProject, startCli, uniqueProject, type Remote } from './support/remote-engine.js';

let remote: Remote;
let dir: string;
const projects: string[] = [];

beforeAll(() => {
  remote = loadRemote();
  dir = mkdtempSync(path.join(tmpdir(), 'devstack-remote-binds-'));
});

afterAll(() => {
  for (const project of projects) removeRemoteProject(remote, project);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function newProjectDir(): { project: string; cwd: string } {
  const project = uniqueProject('dsrbind');
  projects.push(project);
  const cwd = path.join(dir, project);
  mkdirSync(cwd, { recursive: true });
  return { project, cwd };
}

/** The file's content in the container, or undefined while it is not there. */
function catIn(container: string, file: string): string | undefined {
  try {
    return remoteDocker(remote, 'exec', container, 'cat', file);
  } catch {
    return undefined;
  }
}

describe('up --watch on a remote engine over ssh', () => {
  it('edits and deletions under a bind-mounted folder reach every container sharing it (.dockerignore honoured)', async () => {
    const { project, cwd } = newProjectDir();
    mkdirSync(path.join(cwd, 'site'));
    writeFileSync(path.join(cwd, 'site', 'index.html'), 'v1\n');
    writeFileSync(path.join(cwd, 'site', '.dockerignore'), '*.tmp\n');
    writeFileSync(
      path.join(cwd, 'compose.yaml'),
      'services:\n  web:\n    image: redis:7-alpine\n    volumes: ["./site:/srv/site"]\n  mirror:\n    image: redis:7-alpine\n    volumes: ["./site:/srv/mirror:ro"]\n',
    );
    const web = `${project}-web-1`;
    const mirror = `${project}-mirror-1`;
    const session = startCli(['up', '--watch', '-p', project], cwd, { DOCKER_HOST: remote.sshHost });
    try {
      await eventually('watching', () => (session.output().includes('watching bind mounts (remote engine) for changes') ? true : undefined), 120_000);
      expect(session.output()).toContain(`kept in sync with volume ${project}_bind_site_`);
      expect(catIn(web, '/srv/site/index.html')).toBe('v1');

      writeFileSync(path.join(cwd, 'site', 'index.html'), 'v2\n');
      writeFileSync(path.join(cwd, 'site', 'added.txt'), 'new file\n');
      writeFileSync(path.join(cwd, 'site', 'scratch.tmp'), 'left out\n');
      await eventually('the edit in web', () => (catIn(web, '/srv/site/index.html') === 'v2' ? true : undefined));
      await eventually('the new file in web', () => (catIn(web, '/srv/site/added.txt') === 'new file' ? true : undefined));
      // The read-only mount of the same folder shows the same volume.
      expect(catIn(mirror, '/srv/mirror/index.html')).toBe('v2');
      expect(catIn(mirror, '/srv/mirror/added.txt')).toBe('new file');
      expect(remoteDocker(remote, 'exec', web, 'ls', '-A', '/srv/site').split('\n').sort()).toEqual(['.dockerignore', 'added.txt', 'index.html']);

      unlinkSync(path.join(cwd, 'site', 'added.txt'));
      await eventually('the deletion in mirror', () => (catIn(mirror, '/srv/mirror/added.txt') === undefined ? true : undefined));
      expect(catIn(web, '/srv/site/added.txt')).toBeUndefined();
      await eventually('the deletion reported', () => (/web: removed 1 \(\d+ ms\)/.test(session.output()) ? true : undefined));
      expect(session.output()).toMatch(/web: synced 2 files \(\d+ ms\)/);

      expect(await session.interrupt()).toBe(0);
      // The keeper container that wrote into the volume is gone; the services keep running.
      const left = remoteDocker(remote, 'ps', '-a', '--filter', `label=${LABEL.project}=${project}`, '--format', '{{.Names}}').split('\n').sort();
      expect(left).toEqual([mirror, web]);
    } finally {
      await session.interrupt();
    }
    const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd, env: { DOCKER_HOST: remote.sshHost } });
    expect(down.status, down.stderr).toBe(0);
    expect(remoteDocker(remote, 'volume', 'ls', '-q', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
  });
});

describe('watch started on its own, after up, on a remote engine over ssh', () => {
  it('first copies what changed here since up into the bind volumes and files, then syncs edits as they come', async () => {
    const { project, cwd } = newProjectDir();
    mkdirSync(path.join(cwd, 'site'));
    writeFileSync(path.join(cwd, 'site', 'index.html'), 'v1\n');
    writeFileSync(path.join(cwd, 'app.conf'), 'mode one\n');
    writeFileSync(
      path.join(cwd, 'compose.yaml'),
      'services:\n  web:\n    image: redis:7-alpine\n    volumes: ["./site:/srv/site", "./app.conf:/etc/devstack-test/app.conf:ro"]\n',
    );
    const web = `${project}-web-1`;
    const env = { DOCKER_HOST: remote.sshHost };
    const up = devstack(['up', '-p', project], { cwd, env });
    expect(up.status, up.stderr).toBe(0);
    expect(catIn(web, '/srv/site/index.html')).toBe('v1');

    // Between up and watch: an edit, a new file, and the single bind-mounted file edited.
    writeFileSync(path.join(cwd, 'site', 'index.html'), 'v2\n');
    writeFileSync(path.join(cwd, 'site', 'later.txt'), 'added after up\n');
    writeFileSync(path.join(cwd, 'app.conf'), 'mode two\n');

    const session = startCli(['watch', '-p', project], cwd, env);
    try {
      await eventually('watching', () => (session.output().includes('watching bind mounts (remote engine) for changes') ? true : undefined), 120_000);
      // Copied before watching was announced: no change here since watch started has triggered anything.
      expect(catIn(web, '/srv/site/index.html')).toBe('v2');
      expect(catIn(web, '/srv/site/later.txt')).toBe('added after up');
      expect(catIn(web, '/etc/devstack-test/app.conf')).toBe('mode two');

      writeFileSync(path.join(cwd, 'site', 'index.html'), 'v3\n');
      await eventually('an edit while watching', () => (catIn(web, '/srv/site/index.html') === 'v3' ? true : undefined));
      expect(await session.interrupt()).toBe(0);
    } finally {
      await session.interrupt();
    }

    // up --watch has just filled the volumes itself: it does not copy them a second time.
    const again = startCli(['up', '--watch', '-p', project], cwd, env);
    try {
      await eventually('watching again', () => (again.output().includes('watching bind mounts (remote engine) for changes') ? true : undefined), 120_000);
      expect(again.output()).toContain('copied into volume');
      expect(again.output()).not.toMatch(/web: synced \d+ files?/);
      expect(await again.interrupt()).toBe(0);
    } finally {
      await again.interrupt();
    }
    const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd, env });
    expect(down.status, down.stderr).toBe(0);
  });
});

describe('a single bind-mounted file on a remote engine over ssh', () => {
  it('is in the container at its target before it starts (folders the image lacks made), and again after an edit while watching', async () => {
    const { project, cwd } = newProjectDir();
    writeFileSync(path.join(cwd, 'redis.conf'), 'databases 7\n');
    writeFileSync(
      path.join(cwd, 'compose.yaml'),
      'services:\n  cache:\n    image: redis:7-alpine\n    command: ["redis-server", "/usr/local/etc/devstack-test/redis.conf"]\n    volumes: ["./redis.conf:/usr/local/etc/devstack-test/redis.conf:ro"]\n',
    );
    const cache = `${project}-cache-1`;
    const env = { DOCKER_HOST: remote.sshHost };
    const up = devstack(['up', '-p', project], { cwd, env });
    expect(up.status, up.stderr).toBe(0);
    // Redis read it at start: the file was there before the container started.
    expect(remoteDocker(remote, 'exec', cache, 'redis-cli', 'CONFIG', 'GET', 'databases')).toBe('databases\n7');
    const mounts = JSON.parse(remoteDocker(remote, 'inspect', '--format', '{{json .Mounts}}', cache)) as { Destination: string }[];
    expect(mounts.map((m) => m.Destination)).not.toContain('/usr/local/etc/devstack-test/redis.conf');

    const session = startCli(['up', '--watch', '-p', project], cwd, env);
    try {
      await eventually('watching', () => (session.output().includes('watching bind mounts (remote engine) for changes') ? true : undefined), 120_000);
      writeFileSync(path.join(cwd, 'redis.conf'), 'databases 9\n');
      await eventually('the edited file', () => (catIn(cache, '/usr/local/etc/devstack-test/redis.conf') === 'databases 9' ? true : undefined));
      expect(await session.interrupt()).toBe(0);
    } finally {
      await session.interrupt();
    }
    const down = devstack(['down', '-p', project, '--volumes', '--yes'], { cwd, env });
    expect(down.status, down.stderr).toBe(0);
  });

  it('a device or a path outside the project: a located error before anything starts', () => {
    const { project, cwd } = newProjectDir();
    writeFileSync(path.join(cwd, 'compose.yaml'), 'services:\n  cache:\n    image: redis:7-alpine\n    volumes:\n      - /dev/null:/dev/devstack-null\n      - /etc/hostname:/etc/host-hostname:ro\n');
    const up = devstack(['up', '-p', project], { cwd, env: { DOCKER_HOST: remote.sshHost } });
    expect(up.status).toBe(3);
    const file = path.join(cwd, 'compose.yaml');
    expect(up.stderr).toContain(`${file}:5:9: service cache: bind mount /dev/null:/dev/devstack-null is a socket, device or pipe of this host`);
    expect(up.stderr).toContain(`${file}:6:9: service cache: bind mount /etc/hostname:/etc/host-hostname is outside the project folder`);
    expect(up.stderr).not.toMatch(/\n\s+at /);
    expect(remoteDocker(remote, 'ps', '-aq', '--filter', `label=${LABEL.project}=${project}`)).toBe('');
  });
});
