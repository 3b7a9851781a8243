import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderComposeConfig } from '../../../src/compose/index.js';
import { formatDuration } from '../../../src/compose/render-config.js';
import { maskEnv as maskSecrets } from '../../../src/core/secret-masking.js';
import { SEED_STACK } from './seed-stack-fixture.js';
import { loadIn, writeProject } from './temp-project.js';

describe('renderComposeConfig', () => {
  it('renders the seed stack like docker compose config, secrets masked', async () => {
    const dir = writeProject({ 'compose.yaml': SEED_STACK }, 'skillforge');
    const config = renderComposeConfig(await loadIn(dir), { showSecrets: false });
    const services = config.services as Record<string, Record<string, unknown>>;
    expect(config.name).toBe('skillforge');
    expect(Object.keys(services)).toEqual(['backend', 'frontend', 'postgres', 'redis']);
    expect(services.postgres!.environment).toEqual({ POSTGRES_USER: 'skillforge', POSTGRES_PASSWORD: '********', POSTGRES_DB: 'skillforge_dev' });
    expect(services.postgres!.ports).toEqual([{ mode: 'ingress', target: 5432, published: '5437', protocol: 'tcp' }]);
    expect(services.postgres!.healthcheck).toEqual({ test: ['CMD-SHELL', 'pg_isready -U skillforge'], interval: '5s', timeout: '3s', retries: 5 });
    expect(services.postgres!.volumes).toEqual([{ type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', volume: {} }]);
    expect(services.backend!.environment).toEqual({
      DATABASE_URL: 'postgresql://skillforge:********@postgres:5432/skillforge_dev',
      REDIS_URL: 'redis://redis:6379',
    });
    expect(services.backend!.depends_on).toEqual({
      postgres: { condition: 'service_healthy', required: true, restart: false },
      redis: { condition: 'service_started', required: true, restart: false },
    });
    expect(services.backend!.build).toEqual({ context: path.join(dir, 'backend'), dockerfile: 'Dockerfile.dev' });
    expect(services.backend!.volumes).toEqual([{ type: 'bind', source: path.join(dir, 'backend'), target: '/app', bind: { create_host_path: true } }]);
    expect(services.backend!.networks).toEqual({ default: null });
    expect(config.networks).toEqual({ default: { name: 'skillforge_default' } });
    expect(config.volumes).toEqual({ pgdata: { name: 'skillforge_pgdata' }, redisdata: { name: 'skillforge_redisdata' } });
  });

  it('renders develop.watch in compose spelling', async () => {
    const dir = writeProject({
      'compose.yaml': 'services:\n  web:\n    image: a\n    develop:\n      watch:\n        - { action: sync+exec, path: ./src, target: /src, initial_sync: true, exec: { command: [kill, -HUP, "1"], working_dir: /src, environment: { API_TOKEN: t } } }\n',
    });
    const config = renderComposeConfig(await loadIn(dir), { showSecrets: false });
    const web = (config.services as Record<string, Record<string, unknown>>).web!;
    expect(web.develop).toEqual({
      watch: [
        {
          action: 'sync+exec',
          path: path.join(dir, 'src'),
          target: '/src',
          initial_sync: true,
          exec: { command: ['kill', '-HUP', '1'], working_dir: '/src', environment: { API_TOKEN: '********' } },
        },
      ],
    });
  });

  it('shows secrets when asked', async () => {
    const dir = writeProject({ 'compose.yaml': SEED_STACK });
    const config = renderComposeConfig(await loadIn(dir), { showSecrets: true });
    const services = config.services as Record<string, Record<string, Record<string, string>>>;
    expect(services.postgres!.environment!.POSTGRES_PASSWORD).toBe('dev_password');
  });

  it.each([
    [{ API_KEY: 'k' }, { API_KEY: '********' }],
    [{ github_token: 't', client_secret: 's', DB_PASSWORD: 'p' }, { github_token: '********', client_secret: '********', DB_PASSWORD: '********' }],
    [{ URL: 'postgresql://u:pw@h/db' }, { URL: 'postgresql://u:********@h/db' }],
    [{ URL: 'redis://:pw@h:6379' }, { URL: 'redis://:********@h:6379' }],
    [{ URL: 'http://host:8080/path' }, { URL: 'http://host:8080/path' }],
    [{ PLAIN: 'value' }, { PLAIN: 'value' }],
  ])('masks %j', (input, expected) => {
    expect(maskSecrets(input)).toEqual(expected);
  });

  it.each([
    [90_000, '1m30s'],
    [500, '500ms'],
    [3_600_000, '1h'],
    [0, '0s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
