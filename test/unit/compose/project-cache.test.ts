import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../../src/compose/index.js';
import type { LoadOptions } from '../../../src/compose/index.js';
import { loadProjectCached } from '../../../src/compose/project-cache.js';
import type { ProjectCache } from '../../../src/compose/project-cache.js';
import type { Project } from '../../../src/core/model.js';
import { composeErrorOf, writeProject } from './temp-project.js';

/** A project folder, a cache folder, and a load through the cache that says whether it parsed the files. */
function cachedProject(files: Record<string, string>, cache: Partial<ProjectCache> = {}) {
  const dir = writeProject(files);
  const store: ProjectCache = { dir: mkdtempSync(path.join(os.tmpdir(), 'devstack-project-cache-')), build: 'build-1', ...cache };
  const load = async (opts: Partial<LoadOptions> = {}, build = store.build): Promise<{ project: Project; fresh: boolean }> => {
    let fresh = false;
    const project = await loadProjectCached({ cwd: dir, environment: {}, ...opts }, { ...store, build }, (o) => {
      fresh = true;
      return loadProject(o);
    });
    return { project, fresh };
  };
  const write = (rel: string, text: string) => writeFileSync(path.join(dir, rel), text);
  return { dir, store, load, write };
}

const COMPOSE = 'services:\n  web:\n    image: nginx:${TAG:-1}\n    env_file: [web.env]\n';

describe('project cache', () => {
  it('a second load of unchanged inputs is the same project as the first (and as a load without cache), without parsing the files', async () => {
    const { load, dir } = cachedProject({ 'compose.yaml': COMPOSE, 'web.env': 'A=1\n' });
    const first = await load();
    const second = await load();
    expect(first.fresh).toBe(true);
    expect(second.fresh).toBe(false);
    expect(second.project).toStrictEqual(first.project);
    // A fresh load leaves some optional keys present and undefined; the cached project (hit or miss) has none.
    expect(second.project).toEqual(await loadProject({ cwd: dir, environment: {} }));
  });

  it('keeps the warnings of the load', async () => {
    const { load } = cachedProject({ 'compose.yaml': 'version: "3"\nservices:\n  web:\n    image: ${UNSET_IMAGE}x\n' });
    const first = await load();
    const second = await load();
    expect(second.fresh).toBe(false);
    expect(first.project.warnings?.length).toBeGreaterThanOrEqual(2);
    expect(second.project.warnings).toEqual(first.project.warnings);
  });

  it('loads afresh when a compose file, an env_file or the project .env changes, or .env appears', async () => {
    const { load, write } = cachedProject({ 'compose.yaml': COMPOSE, 'web.env': 'A=1\n' });
    await load();
    write('web.env', 'A=2\n');
    const envFile = await load();
    expect(envFile).toMatchObject({ fresh: true, project: { services: { web: { environment: { A: '2' } } } } });
    write('compose.yaml', COMPOSE.replace('nginx', 'httpd'));
    const compose = await load();
    expect(compose).toMatchObject({ fresh: true, project: { services: { web: { image: 'httpd:1' } } } });
    write('.env', 'TAG=2\n');
    const dotenv = await load();
    expect(dotenv).toMatchObject({ fresh: true, project: { services: { web: { image: 'httpd:2' } } } });
    expect((await load()).fresh).toBe(false);
  });

  it('loads afresh when an included or extended file changes', async () => {
    const { load, write } = cachedProject({
      'compose.yaml': 'include: [db.yaml]\nservices:\n  web:\n    extends: { file: base.yaml, service: base }\n',
      'db.yaml': 'services:\n  db:\n    image: postgres:16\n',
      'base.yaml': 'services:\n  base:\n    image: nginx:1\n',
    });
    await load();
    write('db.yaml', 'services:\n  db:\n    image: postgres:17\n');
    expect(await load()).toMatchObject({ fresh: true, project: { services: { db: { image: 'postgres:17' } } } });
    write('base.yaml', 'services:\n  base:\n    image: nginx:2\n');
    expect(await load()).toMatchObject({ fresh: true, project: { services: { web: { image: 'nginx:2' } } } });
    expect((await load()).fresh).toBe(false);
  });

  it('loads afresh when a variable the files read is set, changed or unset; not for other variables', async () => {
    const { load } = cachedProject({ 'compose.yaml': COMPOSE, 'web.env': 'A=1\n' });
    await load({ environment: { OTHER: 'x' } });
    expect((await load({ environment: { OTHER: 'y' } })).fresh).toBe(false);
    expect(await load({ environment: { TAG: '3' } })).toMatchObject({ fresh: true, project: { services: { web: { image: 'nginx:3' } } } });
    expect(await load({ environment: { TAG: '4' } })).toMatchObject({ fresh: true, project: { services: { web: { image: 'nginx:4' } } } });
    expect(await load({ environment: {} })).toMatchObject({ fresh: true, project: { services: { web: { image: 'nginx:1' } } } });
  });

  it('loads afresh for other flags, another default environment, a new override file or another build', async () => {
    const { load, write } = cachedProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    user: "${DEVSTACK_UID}"\n  tool:\n    image: t\n    profiles: [tools]\n' });
    await load();
    expect(await load({ profiles: ['tools'] })).toMatchObject({ fresh: true, project: { services: { tool: { image: 't' } } } });
    expect((await load({ profiles: ['tools'] })).fresh).toBe(false);
    expect(await load({ defaultEnvironment: () => ({ DEVSTACK_UID: '1234' }) })).toMatchObject({ fresh: true, project: { services: { web: { user: '1234' } } } });
    expect((await load({ projectName: 'other' })).project.name).toBe('other');
    expect((await load({}, 'build-2')).fresh).toBe(true);
    write('compose.override.yaml', 'services:\n  web:\n    image: httpd\n');
    expect(await load()).toMatchObject({ fresh: true, project: { services: { web: { image: 'httpd' } } } });
  });

  it("loads afresh when a secret's file goes missing or a seccomp profile changes", async () => {
    const { load, dir } = cachedProject({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    secrets: [token]\n    security_opt: ["seccomp=profile.json"]\nsecrets:\n  token:\n    file: token.txt\n',
      'token.txt': 'secret\n',
      'profile.json': '{"defaultAction":"SCMP_ACT_ALLOW"}',
    });
    await load();
    writeFileSync(path.join(dir, 'profile.json'), '{"defaultAction":"SCMP_ACT_ERRNO"}');
    const changed = await load();
    expect(changed.fresh).toBe(true);
    expect(changed.project.services.web!.host?.securityOpt).toEqual(['seccomp={"defaultAction":"SCMP_ACT_ERRNO"}']);
    rmSync(path.join(dir, 'token.txt'));
    expect((await composeErrorOf(load())).message).toMatch(/secret "token": file .*token.txt not found/);
  });

  it('keeps no failed load: the errors come back until the file is fixed', async () => {
    const { load, write, store } = cachedProject({ 'compose.yaml': 'services:\n  web:\n    image: [nginx]\n' });
    await composeErrorOf(load());
    await composeErrorOf(load());
    expect(readdirSync(store.dir)).toEqual([]);
    write('compose.yaml', 'services:\n  web:\n    image: nginx\n');
    expect((await load()).fresh).toBe(true);
    expect((await load()).fresh).toBe(false);
  });

  it('stamps the files as read by this load, and reads past a damaged entry', async () => {
    const { load, write, store, dir } = cachedProject({ 'compose.yaml': COMPOSE, 'web.env': 'A=1\n' });
    const first = await load();
    write('web.env', 'A=1\n'); // same content: the entry holds, the stamp is the file's new one
    const second = await load();
    expect(second.fresh).toBe(false);
    expect(second.project.configStamps![path.join(dir, 'web.env')]).not.toBe(first.project.configStamps![path.join(dir, 'web.env')]);
    for (const f of readdirSync(store.dir)) writeFileSync(path.join(store.dir, f), '{"request":');
    expect((await load()).fresh).toBe(true);
    expect((await load()).fresh).toBe(false);
  });

  it('keeps the newest entries up to its limit', async () => {
    const { load, store } = cachedProject({ 'compose.yaml': COMPOSE, 'web.env': 'A=1\n' }, { maxEntries: 2 });
    // Each entry dated a minute after the one before, whatever the file system clock's resolution.
    for (const [i, projectName] of ['one', 'two', 'three'].entries()) {
      const before = new Set(readdirSync(store.dir));
      await load({ projectName });
      const written = readdirSync(store.dir).find((f) => !before.has(f));
      if (written !== undefined) utimesSync(path.join(store.dir, written), 1_000_000 + i * 60, 1_000_000 + i * 60);
    }
    expect(readdirSync(store.dir)).toHaveLength(2);
    expect((await load({ projectName: 'three' })).fresh).toBe(false);
    expect((await load({ projectName: 'two' })).fresh).toBe(false);
    expect((await load({ projectName: 'one' })).fresh).toBe(true);
  });

  it('does not keep a project read from standard input', async () => {
    const { load, store } = cachedProject({});
    const stdin = { files: ['-'], readStandardInput: () => 'services:\n  web:\n    image: nginx\n' };
    expect((await load(stdin)).fresh).toBe(true);
    expect((await load(stdin)).fresh).toBe(true);
    expect(readdirSync(store.dir)).toEqual([]);
  });
});
