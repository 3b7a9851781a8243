// Host port planning against real holders: node listeners on 127.0.0.1, 0.0.0.0 and ::, and containers
// publishing ports (a foreign one, and one of our own project).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDevstackError } from '../../src/core/errors.js';
import { LABEL } from '../../src/core/labels.js';
import type { PortMapping } from '../../src/core/model.js';
import { checkHostPort } from '../../src/engine/ports/host-port-check.js';
import { planHostPorts, pickReplacementPort, rememberReplacementPort, type HostPortRequest } from '../../src/engine/ports/plan-host-ports.js';
import { service } from '../unit/probes/probe-service.js';
import { cliEngine, docker, removeProject, requireEngine, uniquePrefix } from './probes-cli-engine.js';

const project = uniquePrefix();
const foreignProject = `${project}-other`;
const engine = cliEngine();
const stateDir = mkdtempSync(path.join(os.tmpdir(), `${project}-state-`));
const listeners: { host: string; port: number; child: ChildProcess }[] = [];
let foreignPort = 0;
let ownPort = 0;

/** A port free on every address, with the next 10 free too (room for remaps). */
async function freePortRun(used: Set<number>): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let p = base; p < base + 10 && ok; p++) ok = !used.has(p) && (await checkHostPort(p)).free;
    if (ok) {
      for (let p = base; p < base + 10; p++) used.add(p);
      return base;
    }
  }
}

async function listenInChild(host: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen({ host: ${JSON.stringify(host)}, port: ${port}, ipv6Only: ${host.includes(':')} }, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
  });
  return child;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const publish = (published: number, target = 5432): PortMapping => ({ target, published, protocol: 'tcp' });
const request = (overrides: Partial<HostPortRequest>): HostPortRequest => ({
  project,
  services: [],
  strict: false,
  resetMemory: false,
  stateDir,
  ...overrides,
});

beforeAll(async () => {
  requireEngine();
  const used = new Set<number>();
  for (const host of ['127.0.0.1', '0.0.0.0', '::']) {
    const port = await freePortRun(used);
    listeners.push({ host, port, child: await listenInChild(host, port) });
  }
  foreignPort = await freePortRun(used);
  ownPort = await freePortRun(used);
  docker('run', '-d', '--name', `${foreignProject}-cache`, '--label', `${LABEL.project}=${foreignProject}`, '-p', `127.0.0.1:${foreignPort}:6379`, 'redis:7-alpine');
  docker('run', '-d', '--name', `${project}-cache`, '--label', `${LABEL.project}=${project}`, '--label', `${LABEL.service}=cache`, '-p', `127.0.0.1:${ownPort}:6379`, 'redis:7-alpine');
});

afterAll(() => {
  for (const l of listeners) l.child.kill();
  removeProject(project);
  removeProject(foreignProject);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('planHostPorts on a real host', () => {
  it('remaps ports held by host processes on 127.0.0.1, 0.0.0.0 and ::, naming the pid', async () => {
    const services = listeners.map((l, i) => service({ name: `svc${i}`, ports: [publish(l.port)] }));
    const plan = await planHostPorts(engine, request({ services }));
    expect(plan.bindings.map((b) => b.hostPort)).toEqual(listeners.map((l) => l.port + 1));
    expect(plan.notices).toEqual(
      listeners.map((l, i) => `svc${i} ${l.port} -> ${l.port + 1} (${l.port} held by pid ${l.child.pid} node)`),
    );
    // The holders are untouched.
    for (const l of listeners) expect(await connects(l.host === '0.0.0.0' ? '127.0.0.1' : l.host === '::' ? '::1' : l.host, l.port)).toBe(true);
  });

  it('remaps a port published by a container of another project; our own container keeps its port', async () => {
    const services = [
      service({ name: 'redis', ports: [publish(foreignPort, 6379)] }),
      service({ name: 'cache', ports: [publish(ownPort, 6379)] }),
    ];
    const plan = await planHostPorts(engine, request({ services }));
    expect(plan.notices).toEqual([`redis ${foreignPort} -> ${foreignPort + 1} (${foreignPort} published by container ${foreignProject}-cache)`]);
    expect(plan.bindings[1]).toMatchObject({ service: 'cache', hostPort: ownPort, hostIp: '127.0.0.1' });
    expect(docker('inspect', '--format', '{{.State.Status}}', `${foreignProject}-cache`)).toBe('running');
  });

  it('remembers a remap and reuses it after the holder is gone; --reset-ports forgets it', async () => {
    const port = await freePortRun(new Set(listeners.map((l) => l.port)));
    const services = [service({ name: 'db', ports: [publish(port)] })];
    const holder = await listenInChild('127.0.0.1', port);
    const first = await planHostPorts(engine, request({ services }));
    holder.kill();
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(first.bindings[0]?.hostPort).toBe(port + 1);

    const again = await planHostPorts(engine, request({ services }));
    expect(again.bindings[0]?.hostPort).toBe(port + 1);
    expect(again.notices).toEqual([`db ${port} -> ${port + 1} (${port} was remapped on an earlier run; --reset-ports forgets it)`]);

    const reset = await planHostPorts(engine, request({ services, resetMemory: true }));
    expect(reset.bindings[0]?.hostPort).toBe(port);
    expect(reset.notices).toEqual([]);
  });

  it('a port picked in the start race is remembered like a planned remap', async () => {
    const port = await freePortRun(new Set(listeners.map((l) => l.port)));
    const services = [service({ name: 'race', ports: [publish(port)] })];
    await rememberReplacementPort({ project, stateDir }, { service: 'race', containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: port }, port + 1);
    const plan = await planHostPorts(engine, request({ services }));
    expect(plan.bindings[0]?.hostPort).toBe(port + 1);
    await planHostPorts(engine, request({ services, resetMemory: true }));
  });

  it('strict fails naming the port, the service and the holder', async () => {
    const held = listeners[1]!;
    const error = await planHostPorts(engine, request({ services: [service({ name: 'api', ports: [publish(held.port, 3000)] })], strict: true })).catch((e: unknown) => e);
    expect(isDevstackError(error) && error.kind).toBe('port');
    expect((error as Error).message).toBe(`host port ${held.port} for service api is taken: ${held.port} held by pid ${held.child.pid} node`);
    expect(isDevstackError(error) && error.hint).toBe('free it or drop --strict-ports');
  });

  it('pickReplacementPort skips held and excluded ports', async () => {
    const held = listeners[2]!;
    const port = await pickReplacementPort(
      { service: 'x', containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: held.port - 1 },
      new Set([held.port + 1]),
    );
    expect(port).toBe(held.port + 2);
  });
});
