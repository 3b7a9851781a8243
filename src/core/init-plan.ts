// `devstack init`: from what a Node.js project holds (its package.json files) to a compose.yaml and, per app, a
// Dockerfile.dev and .dockerignore, shaped like devstack's demo stack: Postgres and Redis when the dependencies
// use them (with healthchecks and named volumes), each app built from a cache-friendly dev image whose user owns the project folder (DEVSTACK_UID/GID), its
// source bind-mounted for hot reload, its node_modules kept in the image, and rebuild rules for its manifests.
import { DevstackError } from './errors.js';

export type LockFile = 'package-lock.json' | 'npm-shrinkwrap.json' | 'yarn.lock' | 'pnpm-lock.yaml';

export interface NodeAppFacts {
  /** Folder relative to the project, '' for the project folder itself. */
  dir: string;
  packageName?: string;
  scripts: Record<string, string>;
  /** dependencies and devDependencies, by name. */
  dependencies: string[];
  main?: string;
  lockFile?: LockFile;
  hasDockerfileDev: boolean;
  hasDockerignore: boolean;
}

export interface InitFacts {
  /** The project folder's name (the compose project name). */
  folderName: string;
  apps: NodeAppFacts[];
}

export interface InitTemplates {
  dockerfileDev: string;
  dockerignore: string;
}

export interface InitFile {
  /** Relative to the project folder. */
  path: string;
  content: string;
}

export interface InitPlan {
  files: InitFile[];
  /** Files left as they are because they exist. */
  kept: string[];
  /** One line per service: what it is and why it is there. */
  services: string[];
}

const POSTGRES_CLIENTS = ['pg', 'postgres', 'pg-promise', 'slonik'];
const REDIS_CLIENTS = ['ioredis', 'redis', 'bullmq', 'bull'];

/** The dev server's port, by framework; 3000 otherwise (passed to the app as PORT). */
function appPort(app: NodeAppFacts): number {
  const has = (d: string) => app.dependencies.includes(d);
  if (has('vite')) return 5173;
  if (has('@angular/core')) return 4200;
  return 3000;
}

function appCommand(app: NodeAppFacts): string[] {
  const viteHost = app.dependencies.includes('vite') ? ['--', '--host', '0.0.0.0'] : [];
  if (app.scripts.dev) return ['npm', 'run', 'dev', ...viteHost];
  if (app.scripts.start) return ['npm', 'start', ...viteHost];
  return ['node', app.main ?? 'index.js'];
}

function install(lock: LockFile | undefined): { manifests: string; command: string; rootSetup: string } {
  switch (lock) {
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
      return { manifests: `package.json ${lock}`, command: 'npm ci && npm cache clean --force --loglevel=error', rootSetup: '' };
    case 'yarn.lock':
      return { manifests: 'package.json yarn.lock', command: 'yarn install --frozen-lockfile && yarn cache clean', rootSetup: '' };
    case 'pnpm-lock.yaml':
      return { manifests: 'package.json pnpm-lock.yaml', command: 'pnpm install --frozen-lockfile', rootSetup: ' \\\n && corepack enable' };
    default:
      return { manifests: 'package.json', command: 'npm install && npm cache clean --force --loglevel=error', rootSetup: '' };
  }
}

/** A compose service name from a folder or package name: lower case, [a-z0-9_-], never empty. */
export function serviceNameFor(raw: string): string {
  const name = raw.replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return name === '' ? 'app' : name;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export function planInit(facts: InitFacts, templates: InitTemplates): InitPlan {
  if (facts.apps.length === 0) {
    throw new DevstackError('usage', 'No Node.js app found here: no package.json with a start or dev script in this folder or the folders under it.', {
      hint: 'Run `devstack init` in the project folder, or write a compose.yaml yourself (compose/demo is an example).',
    });
  }
  const project = serviceNameFor(facts.folderName).replace(/-/g, '_');
  const deps = new Set(facts.apps.flatMap((a) => a.dependencies));
  const postgres = POSTGRES_CLIENTS.some((d) => deps.has(d));
  const redis = REDIS_CLIENTS.some((d) => deps.has(d));
  const names = new Set<string>(['postgres', 'redis']);
  const files: InitFile[] = [];
  const kept: string[] = [];
  const services: string[] = [];
  const yaml: string[] = ['# Written by `devstack init`: `devstack up` runs it, `devstack doctor` checks it. Edit freely.', 'services:'];

  if (postgres) {
    services.push('postgres: postgres:16-alpine (a dependency uses Postgres), data in the pgdata volume');
    yaml.push(
      '  postgres:',
      '    image: postgres:16-alpine',
      '    environment:',
      `      POSTGRES_USER: ${project}`,
      '      POSTGRES_PASSWORD: dev_password',
      `      POSTGRES_DB: ${project}_dev`,
      '    ports:',
      '      - "5432:5432"  # devstack moves it when the port is taken',
      '    volumes:',
      '      - pgdata:/var/lib/postgresql/data',
      '    healthcheck:',
      `      test: ["CMD-SHELL", "pg_isready -U ${project}"]`,
      '      interval: 5s',
      '      timeout: 3s',
      '      retries: 5',
      '',
    );
  }
  if (redis) {
    services.push('redis: redis:7-alpine (a dependency uses Redis), data in the redisdata volume');
    yaml.push('  redis:', '    image: redis:7-alpine', '    ports:', '      - "6379:6379"', '    command: redis-server --appendonly yes', '    volumes:', '      - redisdata:/data', '');
  }

  for (const app of facts.apps) {
    let name = serviceNameFor(app.dir === '' ? (app.packageName ?? facts.folderName) : app.dir.split('/').pop()!);
    while (names.has(name)) name = `${name}-app`;
    names.add(name);
    const context = app.dir === '' ? '.' : `./${app.dir}`;
    const inDir = (file: string) => (app.dir === '' ? file : `${app.dir}/${file}`);
    const port = appPort(app);
    const command = appCommand(app);
    const steps = install(app.lockFile);
    services.push(`${name}: built from ${inDir('Dockerfile.dev')}, \`${command.join(' ')}\` on port ${port}`);
    yaml.push(
      `  ${name}:`,
      '    build:',
      `      context: ${context}`,
      '      dockerfile: Dockerfile.dev',
      '      args:  # the dev user owns the bind-mounted source: devstack sets these to the project folder\'s owner;',
      '        #   with plain `docker compose`, export DEVSTACK_UID=$(id -u) DEVSTACK_GID=$(id -g) or put them in .env',
      '        DEV_UID: ${DEVSTACK_UID:-1000}',
      '        DEV_GID: ${DEVSTACK_GID:-1000}',
      '    ports:',
      `      - "${port}:${port}"`,
      '    environment:',
      `      PORT: "${port}"`,
      ...(postgres && app.dependencies.some((d) => POSTGRES_CLIENTS.includes(d)) ? [`      DATABASE_URL: postgresql://${project}:dev_password@postgres:5432/${project}_dev`] : []),
      ...(redis && app.dependencies.some((d) => REDIS_CLIENTS.includes(d)) ? ['      REDIS_URL: redis://redis:6379'] : []),
      ...dependsOn(app, postgres, redis),
      '    volumes:',
      `      - ${context}:/app  # hot reload: edits show in the container at once`,
      '      - /app/node_modules  # the image\'s dependencies, not the host\'s',
      '    develop:',
      '      watch:  # a change of dependencies or of the image needs a new image',
      ...[steps.manifests.split(' '), ['Dockerfile.dev']].flat().map((f) => `        - { action: rebuild, path: ${context}/${f} }`),
      '    x-devstack:',
      `      ready: tcp:${port}  # ready once the dev server accepts connections`,
      '',
    );
    if (app.hasDockerfileDev) kept.push(inDir('Dockerfile.dev'));
    else {
      files.push({
        path: inDir('Dockerfile.dev'),
        content: fill(templates.dockerfileDev, {
          service: name,
          manifests: steps.manifests,
          install: steps.command,
          rootSetup: steps.rootSetup,
          port: String(port),
          command: JSON.stringify(command).replace(/","/g, '", "'),
        }),
      });
    }
    if (app.hasDockerignore) kept.push(inDir('.dockerignore'));
    else files.push({ path: inDir('.dockerignore'), content: templates.dockerignore });
  }

  const volumes = [...(postgres ? ['pgdata'] : []), ...(redis ? ['redisdata'] : [])];
  if (volumes.length > 0) yaml.push('volumes:', ...volumes.map((v) => `  ${v}:`));
  while (yaml.at(-1) === '') yaml.pop();
  files.unshift({ path: 'compose.yaml', content: `${yaml.join('\n')}\n` });
  return { files, kept, services };
}

function dependsOn(app: NodeAppFacts, postgres: boolean, redis: boolean): string[] {
  const usesPostgres = postgres && app.dependencies.some((d) => POSTGRES_CLIENTS.includes(d));
  const usesRedis = redis && app.dependencies.some((d) => REDIS_CLIENTS.includes(d));
  if (!usesPostgres && !usesRedis) return [];
  return [
    '    depends_on:',
    ...(usesPostgres ? ['      postgres:', '        condition: service_healthy'] : []),
    ...(usesRedis ? ['      redis:', '        condition: service_started'] : []),
  ];
}
