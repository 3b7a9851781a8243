// doctor's findings with a fake engine, a fake planner and fake build contexts: which areas run when another
// fails, and what a failure carries. The built CLI runs it on a real engine in test/smoke/doctor-cli.test.ts.
import { describe, expect, it } from 'vitest';
import { doctor, type DoctorDeps } from '../../../src/app/doctor.js';
import type { BuildContextFacts } from '../../../src/core/build-context.js';
import { ComposeError, DevstackError } from '../../../src/core/errors.js';
import type { HostPortPlanner } from '../../../src/core/host-port-plan.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';
import { project, service } from '../core/fixtures.js';

const build = (context: string) => ({ context, dockerfile: 'Dockerfile', args: {}, labels: {} });
const stack = project([service('db', { image: 'postgres:16-alpine' }), service('api', { image: undefined, build: build('/p/api') })]);
const GOOD_DOCKERFILE = 'FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nUSER node\nHEALTHCHECK CMD node -e "process.exit(0)"\nCMD ["node", "x.js"]\n';

function deps(over: Partial<DoctorDeps> = {}, facts: Partial<BuildContextFacts> = {}): DoctorDeps {
  const engine = new InMemoryEngine();
  engine.images.add('postgres:16-alpine');
  const ports: HostPortPlanner = {
    plan: async () => ({ bindings: [], remaps: [{ service: 'db', declared: 5432, effective: 5433, holder: 'pid 42 (postgres)' }], notices: [] }),
    pickReplacement: async () => 0,
    rememberReplacement: async () => [],
  };
  return {
    openEngine: async () => engine,
    loadProject: async () => stack,
    ports,
    readBuildContext: async () => ({ contextExists: true, dockerfile: '/p/api/Dockerfile', dockerfileText: GOOD_DOCKERFILE, hasDockerignore: true, lockFiles: ['package-lock.json'], ...facts }),
    ...over,
  };
}

const req = { stateDir: '/tmp/unused', cwd: '/p', signal: new AbortController().signal };
const line = (f: { status: string; area: string; location?: string; message: string }) => `${f.status} ${f.area} ${f.location ? `${f.location}: ` : ''}${f.message}`;

describe('doctor (fakes)', () => {
  it('reports each area in order: engine, compose, images, ports, dockerfile', async () => {
    const findings = await doctor(req, deps());
    expect(findings.map(line)).toEqual([
      'ok engine Docker Engine in-memory answers (API 1.41, linux)',
      'ok compose project demo loads from compose.yaml: 2 services (api, db)',
      'ok images api: builds from api/Dockerfile',
      'ok images db: image postgres:16-alpine is here',
      'warn ports db: host port 5432 is taken (pid 42 (postgres)); `devstack up` will publish it on 5433',
      'ok dockerfile api: api/Dockerfile follows the patterns (layer order, non-root user, healthcheck, pinned base, .dockerignore)',
    ]);
  });

  it('no engine: a failure with its kind and hint; compose and Dockerfile checks still run, engine-bound ones do not', async () => {
    const unreachable = new DevstackError('engine-unreachable', 'cannot reach the Docker Engine at /var/run/docker.sock', { hint: 'start dockerd' });
    const findings = await doctor(req, deps({ openEngine: async () => Promise.reject(unreachable) }));
    expect(findings[0]).toEqual({ area: 'engine', status: 'fail', kind: 'engine-unreachable', message: unreachable.message, hint: 'start dockerd' });
    expect(findings.map((f) => f.area)).toEqual(['engine', 'compose', 'images', 'dockerfile']);
  });

  it('a compose error: a located failure, and nothing that needs the project', async () => {
    const broken = new ComposeError([{ location: { file: '/p/compose.yaml', line: 3, col: 5 }, message: 'unknown key "imagee"' }]);
    const findings = await doctor(req, deps({ loadProject: async () => Promise.reject(broken) }));
    expect(findings.map((f) => [f.area, f.status, f.kind])).toEqual([
      ['engine', 'ok', undefined],
      ['compose', 'fail', 'compose'],
    ]);
    expect(findings[1]).toMatchObject({ location: 'compose.yaml:3:5', message: 'unknown key "imagee"', rule: 'compose-file' });
  });

  it('an image without a version tag is a located warning', async () => {
    const latest = project([service('db', { image: 'postgres:latest' }), service('cache', { image: 'registry:5000/team/redis' }), service('pinned', { image: 'registry:5000/redis:7' })]);
    const findings = await doctor(req, deps({ loadProject: async () => latest }));
    expect(findings.filter((f) => f.status === 'warn' && f.area === 'images').map((f) => [f.location, f.message])).toEqual([
      ['compose.yaml:2', 'cache: image registry:5000/team/redis has no version tag, so each machine may run a different version'],
      ['compose.yaml:2', 'db: image postgres:latest has no version tag, so each machine may run a different version'],
    ]);
  });

  it('a missing Dockerfile fails at the service; Dockerfile findings carry file:line', async () => {
    const missing = await doctor(req, deps({}, { dockerfileText: undefined }));
    expect(missing.find((f) => f.status === 'fail')).toMatchObject({ area: 'images', kind: 'compose', location: 'compose.yaml:2', message: 'api: Dockerfile api/Dockerfile does not exist' });
    const rooted = await doctor(req, deps({}, { dockerfileText: GOOD_DOCKERFILE.replace('USER node\n', '') }));
    expect(rooted.filter((f) => f.area === 'dockerfile').map((f) => [f.status, f.location])).toEqual([['warn', 'api/Dockerfile:1']]);
  });
});
