// `devstack init` on folders written here: what it detects, what it writes, what it refuses. The written compose
// file goes through the real loader and the Dockerfiles through the Dockerfile checks; test/smoke/init-cli.test.ts
// builds and starts one on a real engine.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initProject, type InitDeps } from '../../../src/app/init.js';
import { checkDockerfile } from '../../../src/core/dockerfile-checks.js';
import { DevstackError } from '../../../src/core/errors.js';
import { serviceNameFor } from '../../../src/core/init-plan.js';
import { existingComposeFile, readInitFacts, readInitTemplates, writeInitFiles } from '../../../src/engine/project-files/init-files.js';
import { loadIn, writeProject } from '../compose/temp-project.js';

const deps: InitDeps = { existingComposeFile, readFacts: readInitFacts, readTemplates: readInitTemplates, writeFiles: writeInitFiles };
const pkg = (p: object) => JSON.stringify(p);

describe('devstack init', () => {
  it('a backend using pg and ioredis and a vite frontend: postgres, redis and two built apps that load and pass the checks', async () => {
    const dir = writeProject(
      {
        'backend/package.json': pkg({ name: '@acme/backend', scripts: { start: 'node server.js' }, dependencies: { pg: '^8', ioredis: '^5' } }),
        'backend/package-lock.json': '{}',
        'frontend/package.json': pkg({ scripts: { dev: 'vite' }, devDependencies: { vite: '^5' } }),
        'frontend/yarn.lock': '',
        'frontend/.dockerignore': 'node_modules\n',
        'docs/README.md': 'not an app',
      },
      'shop',
    );
    const result = initProject({ dir, dryRun: false }, deps);
    expect(result.written).toEqual(['compose.yaml', 'backend/Dockerfile.dev', 'backend/.dockerignore', 'frontend/Dockerfile.dev']);
    expect(result.kept).toEqual(['frontend/.dockerignore']);
    expect(readFileSync(path.join(dir, 'frontend/.dockerignore'), 'utf8')).toBe('node_modules\n');

    const project = await loadIn(dir);
    expect(Object.keys(project.services).sort()).toEqual(['backend', 'frontend', 'postgres', 'redis']);
    const backend = project.services.backend!;
    expect(backend.environment).toEqual({
      PORT: '3000',
      DATABASE_URL: 'postgresql://shop:dev_password@postgres:5432/shop_dev',
      REDIS_URL: 'redis://redis:6379',
    });
    expect(Object.entries(backend.dependsOn).map(([s, d]) => `${s}:${d.condition}`)).toEqual(['postgres:service_healthy', 'redis:service_started']);
    expect(backend.devstack.ready).toEqual({ kind: 'tcp', port: 3000 });
    expect(backend.develop?.watch.map((w) => path.relative(dir, w.path))).toEqual(['backend/package.json', 'backend/package-lock.json', 'backend/Dockerfile.dev']);
    const frontend = project.services.frontend!;
    expect(frontend.ports.map((p) => `${p.published}:${p.target}`)).toEqual(['5173:5173']);
    expect(frontend.dependsOn).toEqual({});
    expect(project.services.postgres!.environment).toMatchObject({ POSTGRES_USER: 'shop', POSTGRES_DB: 'shop_dev' });
    expect(Object.keys(project.volumes).sort()).toEqual(['pgdata', 'redisdata']);

    const backendDockerfile = readFileSync(path.join(dir, 'backend/Dockerfile.dev'), 'utf8');
    expect(backendDockerfile).toContain('COPY --chown=${DEV_UID}:${DEV_GID} package.json package-lock.json ./\nRUN npm ci');
    expect(backendDockerfile).toContain('USER ${DEV_UID}:${DEV_GID}');
    // the dev user's ids are build args from DEVSTACK_UID/GID, 1000 when nothing sets them (plain docker compose)
    expect(backend.build?.args).toEqual({ DEV_UID: '1000', DEV_GID: '1000' });
    expect(backendDockerfile).toContain('CMD ["npm", "start"]');
    const frontendDockerfile = readFileSync(path.join(dir, 'frontend/Dockerfile.dev'), 'utf8');
    expect(frontendDockerfile).toContain('RUN yarn install --frozen-lockfile');
    expect(frontendDockerfile).toContain('CMD ["npm", "run", "dev", "--", "--host", "0.0.0.0"]');
    for (const [text, lockFiles] of [[backendDockerfile, ['package-lock.json']], [frontendDockerfile, ['yarn.lock']]] as const) {
      expect(checkDockerfile(text, { hasDockerignore: true, lockFiles: [...lockFiles], serviceHasReadiness: true })).toEqual([]);
    }
  });

  it('a single app in the folder itself: one service named after the package; an existing Dockerfile.dev is kept', async () => {
    const dir = writeProject({ 'package.json': pkg({ name: 'Tiny API!', main: 'app.js', scripts: {} }), 'Dockerfile.dev': 'FROM node:20\n' }, 'tiny');
    const result = initProject({ dir, dryRun: false }, deps);
    expect(result.written).toEqual(['compose.yaml', '.dockerignore']);
    expect(result.kept).toEqual(['Dockerfile.dev']);
    expect(result.services).toEqual(['tiny-api: built from Dockerfile.dev, `node app.js` on port 3000']);
    const project = await loadIn(dir);
    expect(Object.keys(project.services)).toEqual(['tiny-api']);
    expect(project.services['tiny-api']!.volumes.map((v) => v.target)).toEqual(['/app', '/app/node_modules']);
  });

  it('--dry-run writes nothing; a folder with a compose file or no app is refused with what to do', () => {
    const dir = writeProject({ 'api/package.json': pkg({ scripts: { dev: 'node --watch x.js' } }) });
    const dry = initProject({ dir, dryRun: true }, deps);
    expect(dry.written).toEqual([]);
    expect(dry.files.map((f) => f.path)).toEqual(['compose.yaml', 'api/Dockerfile.dev', 'api/.dockerignore']);
    expect(existingComposeFile(dir)).toBeUndefined();

    writeFileSync(path.join(dir, 'docker-compose.yml'), 'services: {}\n');
    const refused = (() => {
      try {
        initProject({ dir, dryRun: false }, deps);
      } catch (e) {
        return e as DevstackError;
      }
      throw new Error('not refused');
    })();
    expect([refused.kind, refused.message]).toEqual(['usage', 'This folder already has docker-compose.yml; init writes one only where there is none.']);

    const empty = writeProject({ 'notes.txt': '' });
    expect(() => initProject({ dir: empty, dryRun: false }, deps)).toThrow(/No Node.js app found here/);
  });

  it('service names: scoped packages lose the scope, odd characters become dashes, never empty', () => {
    expect(serviceNameFor('@acme/Web_App')).toBe('web_app');
    expect(serviceNameFor('my app (v2)')).toBe('my-app-v2');
    expect(serviceNameFor('!!!')).toBe('app');
  });
});
