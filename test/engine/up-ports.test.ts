// `up` on a real engine with every declared host port taken: by node listeners on 127.0.0.1, 0.0.0.0 and ::,
// and by a foreign container. Each port is remapped and announced, the holders are untouched, the remaps stick
// across down/up, --strict-ports refuses, and what is published binds 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevstackError } from '../../src/core/errors.js';
import { checkHostPort } from '../../src/engine/ports/host-port-check.js';
import { docker, realStack, uniqueName, type RealStack } from './support/real-stack.js';

const HOLDERS = ['127.0.0.1', '0.0.0.0', '::', 'container'] as const;
type Holder = (typeof HOLDERS)[number];

let stack: RealStack;
const foreign = uniqueName('dsreadyforeign');
const declared = new Map<Holder, number>();
const listeners = new Map<Holder, ChildProcess>();
let firstPorts: Record<string, number> = {};

/** A port free on every address with the next 5 free as well (room for the remap), away from `used`. */
async function freePortRun(used: Set<number>): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let p = base; p < base + 6 && ok; p++) ok = !used.has(p) && (await checkHostPort(p)).free;
    if (ok) {
      for (let p = base - 6; p < base + 6; p++) used.add(p);
      return base;
    }
  }
}

/** A plain node listener in its own process (so the holder is `pid N node`, not this test). */
async function listenInChild(host: string, port: number): Promise<ChildProcess> {
  const script = `require('net').createServer((s) => s.end('held\\n')).listen({ host: ${JSON.stringify(host)}, port: ${port} }, () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`listener on ${host}:${port} exited ${code}`)));
  });
  return child;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const serviceOf = (holder: Holder) => `r${HOLDERS.indexOf(holder) + 1}`;
const portsOf = (result: Awaited<ReturnType<RealStack['up']>>) =>
  Object.fromEntries(result.services.map((s) => [s.service, s.ports[0]?.hostPort ?? 0]));

beforeAll(async () => {
  const used = new Set<number>();
  for (const holder of HOLDERS) declared.set(holder, await freePortRun(used));
  for (const host of ['127.0.0.1', '0.0.0.0', '::'] as const) listeners.set(host, await listenInChild(host, declared.get(host)!));
  // A container of nobody's project: no compose labels at all.
  docker(['run', '-d', '--name', foreign, '-p', `127.0.0.1:${declared.get('container')}:6379`, 'redis:7-alpine']);

  const source = mkdtempSync(join(tmpdir(), 'dsready-src-'));
  const services = HOLDERS.map((h) => `  ${serviceOf(h)}:\n    image: redis:7-alpine\n    ports:\n      - "${declared.get(h)}:6379"\n`);
  writeFileSync(join(source, 'compose.yaml'), `services:\n${services.join('')}`);
  try {
    stack = await realStack(source, 'dsready');
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
});

afterAll(async () => {
  for (const child of listeners.values()) child.kill();
  spawnSync('docker', ['rm', '-f', foreign], { stdio: 'ignore' });
  await stack?.cleanup();
});

describe('up on a real engine: taken host ports', () => {
  it('--strict-ports fails with kind port, naming every taken port, and creates nothing', async () => {
    const error = await stack.up({ strictPorts: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevstackError);
    const e = error as DevstackError;
    expect(e.kind).toBe('port');
    expect(e.message).toBe('4 host ports are taken');
    for (const holder of HOLDERS) {
      expect(e.details.some((d) => d.startsWith(`host port ${declared.get(holder)} for service ${serviceOf(holder)} is taken`))).toBe(true);
    }
    expect(docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${stack.name}`])).toBe('');

    const one = (await stack.up({ strictPorts: true, services: ['r1'] }).catch((x: unknown) => x)) as DevstackError;
    expect(one.kind).toBe('port');
    expect(one.message).toContain(`host port ${declared.get('127.0.0.1')} for service r1 is taken`);
  });

  it('remaps every taken port, announces each remap, and leaves the holders alone', async () => {
    const result = await stack.up();
    firstPorts = portsOf(result);
    const notices = stack.events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    for (const holder of HOLDERS) {
      const service = serviceOf(holder);
      const from = declared.get(holder)!;
      const to = firstPorts[service]!;
      expect(to).toBeGreaterThan(from);
      const why = holder === 'container' ? `published by container ${foreign}` : `held by pid ${listeners.get(holder)!.pid} node`;
      expect(notices).toContain(`${service} ${from} -> ${to} (${from} ${why})`);
      expect(result.remaps).toContainEqual(expect.objectContaining({ service, declared: from, effective: to }));
    }

    // The holders still hold: listeners accept, the foreign container runs on its port.
    expect(await accepts('127.0.0.1', declared.get('127.0.0.1')!)).toBe(true);
    expect(await accepts('127.0.0.1', declared.get('0.0.0.0')!)).toBe(true);
    expect(await accepts('::1', declared.get('::')!)).toBe(true);
    expect(docker(['inspect', '-f', '{{.State.Status}}', foreign])).toBe('running');
    expect(docker(['port', foreign])).toBe(`6379/tcp -> 127.0.0.1:${declared.get('container')}`);

    // Published on loopback only, on the effective port.
    for (const holder of HOLDERS) {
      const service = serviceOf(holder);
      expect(docker(['port', `${stack.name}-${service}-1`])).toBe(`6379/tcp -> 127.0.0.1:${firstPorts[service]}`);
    }
  });

  it('down then up again reuses the same remapped ports', async () => {
    await stack.down(false);
    expect(docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${stack.name}`])).toBe('');
    stack.events.length = 0;
    const again = await stack.up();
    expect(portsOf(again)).toEqual(firstPorts);
    expect(again.services.every((s) => s.action === 'create')).toBe(true);
    const notices = stack.events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    expect(notices).toHaveLength(HOLDERS.length);
  });
});
