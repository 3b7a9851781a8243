'use strict';
// The demo frontend: a dependency-free static server on port 5173 for one page, index.html, which shows
// what the backend's `GET /` returns. The backend's address comes from VITE_API_URL (as a Vite app would
// get it) and is written into the page at serve time, where index.html says %VITE_API_URL%.
//   GET / (or /index.html)  the page, read from disk on each request (edits show on reload)
//   GET /health             200 {"status":"ok"}
/* global require, process, console, setTimeout, URL, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: this app is plain Node */

const http = require('node:http');
const fs = require('node:fs/promises');
const path = require('node:path');

const PORT = 5173;
const API_URL = process.env.VITE_API_URL || 'http://localhost:8500';
const PAGE = path.join(__dirname, 'index.html');

/** A JSON string literal that is safe inside a <script> element. */
function scriptLiteral(value) {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  if (url.pathname === '/health') return send(res, 200, 'application/json', '{"status":"ok"}');
  if (url.pathname !== '/' && url.pathname !== '/index.html') {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
  try {
    const html = await fs.readFile(PAGE, 'utf8');
    send(res, 200, 'text/html; charset=utf-8', html.replaceAll('%VITE_API_URL%', scriptLiteral(API_URL)));
  } catch (err) {
    console.error(`frontend: cannot read ${PAGE}: ${err.message}`);
    send(res, 500, 'text/plain; charset=utf-8', 'index.html is missing\n');
  }
});

server.on('error', (err) => {
  console.error(`frontend: cannot listen on ${PORT}: ${err.message}`);
  process.exit(1);
});
server.listen(PORT, '0.0.0.0', () => console.log(`frontend: listening on ${PORT} (API at ${API_URL})`));

function stop(signal) {
  console.log(`frontend: ${signal}, stopping`);
  setTimeout(() => process.exit(0), 5000).unref();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
