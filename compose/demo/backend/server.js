'use strict';
// The demo backend: checks Postgres and Redis once at start (so a start before they are ready shows as
// `backend: postgres not ready: ...` and exit 1), then counts visits in both over HTTP on port 8500.
//   GET /        increments a Redis counter, inserts a row in `visits`, returns both counts
//   GET /health  200 {"postgres":"ok","redis":"ok"} when both answer now, 503 otherwise
/* global require, process, console, setTimeout, clearTimeout, URL */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: this app is plain Node */

const http = require('node:http');
const { Pool } = require('pg');
const Redis = require('ioredis');

const PORT = 8500;
const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgresql://skillforge:dev_password@localhost:5437/skillforge_dev';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://localhost:6379';
const HITS_KEY = 'demo:hits';
const CHECK_TIMEOUT_MS = 2000;

/** An error's message, or its code when the message is empty (Node's connect errors sometimes are). */
function describe(err) {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  return (err && (err.message || err.code)) || String(err);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Print the reason and exit 1. Under `node --watch` (the dev image's CMD) the watcher, PID 1 in the
 * container, would otherwise wait for a file change and the container would never stop: ask it to stop
 * (it forwards SIGTERM to us and exits with our exit code), so the container exits 1 as well.
 */
function exitWithFailure(message) {
  console.error(`backend: ${message}`);
  const underWatch = process.env.WATCH_REPORT_DEPENDENCIES === '1' && typeof process.send === 'function';
  if (!underWatch) process.exit(1);
  process.once('SIGTERM', () => process.exit(1));
  process.kill(process.ppid, 'SIGTERM');
  setTimeout(() => process.exit(1), 5000);
}

async function main() {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 5, connectionTimeoutMillis: 5000 });
  pool.on('error', (err) => console.error(`backend: postgres connection lost: ${describe(err)}`));
  try {
    await pool.query('SELECT 1'); // exactly one attempt: no retry, the dependency order must hold
  } catch (err) {
    return exitWithFailure(`postgres not ready: ${describe(err)}`);
  }

  // No reconnect until the start-up check has passed: one attempt, then give up.
  let started = false;
  let redisError; // what the connection failed on: connect() itself only says "Connection is closed."
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (started ? Math.min(times * 200, 2000) : null),
  });
  redis.on('error', (err) => {
    redisError = err;
    if (started) console.error(`backend: redis: ${describe(err)}`);
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    return exitWithFailure(`redis not ready: ${describe(redisError ?? err)}`);
  }
  started = true;

  await pool.query(
    'CREATE TABLE IF NOT EXISTS visits (id bigserial PRIMARY KEY, visited_at timestamptz NOT NULL DEFAULT now())',
  );

  const routes = {
    'GET /': async () => {
      const redisHits = await redis.incr(HITS_KEY);
      await pool.query('INSERT INTO visits DEFAULT VALUES');
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM visits');
      return [200, { redisHits, postgresVisits: rows[0].n }];
    },
    'GET /health': async () => {
      const [pg, rd] = await Promise.allSettled([
        withTimeout(pool.query('SELECT 1'), CHECK_TIMEOUT_MS, 'postgres'),
        withTimeout(redis.ping(), CHECK_TIMEOUT_MS, 'redis'),
      ]);
      const state = (r) => (r.status === 'fulfilled' ? 'ok' : `error: ${describe(r.reason)}`);
      const body = { postgres: state(pg), redis: state(rd) };
      return [body.postgres === 'ok' && body.redis === 'ok' ? 200 : 503, body];
    },
  };

  const server = http.createServer(async (req, res) => {
    // The frontend (another origin: port 5173) calls this API from the browser.
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes[`${req.method} ${path}`];
    let status = 404;
    let body = { error: `no route for ${req.method} ${path}` };
    if (route) {
      try {
        [status, body] = await route();
      } catch (err) {
        console.error(`backend: ${req.method} ${path} failed: ${describe(err)}`);
        [status, body] = [500, { error: describe(err) }];
      }
    }
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  });
  server.on('error', (err) => exitWithFailure(`cannot listen on ${PORT}: ${describe(err)}`));
  server.listen(PORT, '0.0.0.0', () => console.log(`backend: listening on ${PORT}`));

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`backend: ${signal}, stopping`);
    setTimeout(() => process.exit(0), 5000).unref(); // whatever still hangs does not hold the stop
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeIdleConnections();
    });
    await Promise.allSettled([pool.end(), redis.quit()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => exitWithFailure(`start failed: ${describe(err)}`));
