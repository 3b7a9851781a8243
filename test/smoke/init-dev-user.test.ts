// Day one on Linux, end to end on a real engine: a clone owned by the developer (uid 1000, folders 0755, files
// 0644) with a Node.js app using pg and ioredis whose dev server writes a cache folder into its source at start.
// `devstack init` then `devstack up`: the dev container runs as the folder's owner, so the app can write its
// cache, the file it wrote belongs to uid 1000 on the host, and /health reaches Postgres and Redis.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devstack } from './support/cli.js';

const NAME = `dsuid${Math.random().toString(36).slice(2, 8)}`;
let root: string;
let dir: string;
const run = (args: string[]) => devstack(args, { cwd: dir });

const SERVER = `const fs = require('node:fs');
const http = require('node:http');
const { Client } = require('pg');
const Redis = require('ioredis');
// what a dev server does at start (Next.js, Nuxt, a bundler): a cache folder in its source
fs.mkdirSync(__dirname + '/.cache', { recursive: true });
fs.writeFileSync(__dirname + '/.cache/build-id', String(Date.now()));
const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
http.createServer(async (req, res) => {
  if (req.url !== '/health') return res.end('hello');
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  try {
    await db.connect();
    const { rows } = await db.query('select 1 as one');
    const pong = await redis.ping();
    res.end(JSON.stringify({ postgres: rows[0].one, redis: pong, uid: process.getuid() }));
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  } finally {
    await db.end().catch(() => {});
  }
}).listen(Number(process.env.PORT), '0.0.0.0');
`;

beforeAll(() => {
  execFileSync('docker', ['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  root = mkdtempSync(join(tmpdir(), `${NAME}-`));
  chmodSync(root, 0o755);
  dir = join(root, NAME);
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: NAME, scripts: { start: 'node server.js' }, dependencies: { pg: '^8.11.0', ioredis: '^5.4.0' } }), { mode: 0o644 });
  writeFileSync(join(dir, 'server.js'), SERVER, { mode: 0o644 });
});

afterAll(() => {
  run(['down', '-v', '--yes']);
  execFileSync('docker', ['image', 'rm', '-f', `${NAME}-${NAME}`]);
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The clone as the developer has it: every file and folder owned by 1000:1000, what init wrote included. */
function chownTree(path: string): void {
  chownSync(path, 1000, 1000);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry));
}

describe('a clone owned by uid 1000: init, up, the app writes its cache as the developer (built CLI, real engine)', () => {
  it('init writes a dev image whose user gets the ids devstack fills in', () => {
    chownTree(dir);
    const r = run(['init']);
    expect(r.status, r.stderr).toBe(0);
    chownTree(dir);
    const config = run(['config']);
    expect(config.status, config.stderr).toBe(0);
    expect(config.stdout).toMatch(/DEV_UID: "?1000"?/);
    expect(config.stdout).toMatch(/DEV_GID: "?1000"?/);
  });

  it('up: the app starts, writes .cache owned by 1000 on the host, and /health reaches Postgres and Redis', async () => {
    const up = run(['up', '--json']);
    expect(up.status, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout.trim().split('\n').at(-1)!) as { services: { service: string; ports: { hostPort: number }[] }[] };
    const app = result.services.find((s) => s.service === NAME)!;
    const cache = statSync(join(dir, '.cache', 'build-id'));
    expect({ uid: cache.uid, gid: cache.gid }).toEqual({ uid: 1000, gid: 1000 });
    const res = await fetch(`http://127.0.0.1:${app.ports[0]!.hostPort}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ postgres: 1, redis: 'PONG', uid: 1000 });
  });
});
