// `devstack forward` picks the probes' route for each published port: ssh relay, the tcp engine's host address, or
// a relay exec'd in the container; here with fakes of the engine's relay and exec (the real ones: remote-engine.test.ts).
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecStream, PortRelay } from '../../../src/core/engine.js';
import { forwardPublishedPort } from '../../../src/engine/ports/port-forward.js';

const tcp = { kind: 'remote', via: 'tcp', host: '10.1.2.3' } as const;
const loopbackDb = { container: 'p-db-1', containerPort: 5432, hostIp: '127.0.0.1', hostPort: 0 };
const opened: PortRelay[] = [];
const held: net.Server[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((r) => r.close()));
  await Promise.all(held.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** An engine whose exec answers each chunk it reads with `<container>: <chunk>`; it records what was exec'd. */
function echoingExecEngine(execs: string[]) {
  return {
    location: tcp,
    openExecStream: async (id: string, cmd: string[]): Promise<ExecStream> => {
      execs.push(`${id} ${cmd.join(' ')}`);
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      stdin.on('data', (chunk: Buffer) => stdout.write(`${id}: ${chunk.toString('utf8')}`));
      let end = (): void => undefined;
      const ended = new Promise<void>((resolve) => (end = resolve));
      return { stdin, stdout, stderr: new PassThrough(), ended, close: () => (stdout.end(), end()) };
    },
  };
}

function ask(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(line));
    socket.once('data', (chunk) => (resolve(chunk.toString('utf8')), socket.destroy()));
    socket.once('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('forwardPublishedPort', () => {
  it('tcp engine, port on its loopback: each connection is an exec in the container, to the container port', async () => {
    const execs: string[] = [];
    const hostPort = await freePort();
    const outcome = await forwardPublishedPort(echoingExecEngine(execs), { ...loopbackDb, hostPort });
    if (!outcome.ok) throw new Error(outcome.reason);
    opened.push(outcome.relay);
    expect(outcome).toMatchObject({ samePort: true, via: 'exec in the container', relay: { host: '127.0.0.1', port: hostPort } });
    expect(execs).toEqual([]); // nothing exec'd until a connection comes
    expect(await ask(hostPort, 'one')).toBe('p-db-1: one');
    expect(await ask(hostPort, 'two')).toBe('p-db-1: two');
    expect(execs).toHaveLength(2);
    expect(execs[0]).toContain('nc 127.0.0.1 5432');
  });

  it('the same port taken here: a free one, said so', async () => {
    const hostPort = await freePort();
    const holder = net.createServer();
    held.push(holder);
    await new Promise<void>((resolve) => holder.listen(hostPort, '127.0.0.1', resolve));
    const outcome = await forwardPublishedPort(echoingExecEngine([]), { ...loopbackDb, hostPort });
    if (!outcome.ok) throw new Error(outcome.reason);
    opened.push(outcome.relay);
    expect(outcome.samePort).toBe(false);
    expect(outcome.relay.port).not.toBe(hostPort);
    expect(await ask(outcome.relay.port, 'x')).toBe('p-db-1: x');
  });

  it('tcp engine, port on all its addresses: a plain relay to the engine host', async () => {
    // The "engine host" is this host's loopback here: a server standing in for the published port.
    const published = net.createServer((s) => s.on('data', (c) => s.write(`published: ${c.toString('utf8')}`)));
    held.push(published);
    await new Promise<void>((resolve) => published.listen(0, '127.0.0.1', resolve));
    const publishedPort = (published.address() as net.AddressInfo).port;
    const engine = { location: { kind: 'remote', via: 'tcp', host: '127.0.0.1' } as const };
    // As `devstack ports` gives it: the engine host's address in place of 0.0.0.0.
    const outcome = await forwardPublishedPort(engine, { container: 'p-db-1', containerPort: 5432, hostIp: '127.0.0.1', hostPort: publishedPort });
    if (!outcome.ok) throw new Error(outcome.reason);
    opened.push(outcome.relay);
    expect(outcome).toMatchObject({ samePort: false, via: 'tcp' }); // the published port is this very host's here
    expect(await ask(outcome.relay.port, 'hi')).toBe('published: hi');
  });

  it('ssh engine: its relay, at the same port, to the address on the engine host', async () => {
    const asked: string[] = [];
    const engine = {
      location: { kind: 'remote', via: 'ssh', host: 'box' } as const,
      openPortRelay: async (toHost: string, toPort: number, opts?: { localPort?: number; keepAlive?: boolean }): Promise<PortRelay> => {
        asked.push(`${toHost}:${toPort} at ${opts?.localPort} keepAlive ${opts?.keepAlive}`);
        return { host: '127.0.0.1', port: opts?.localPort ?? 0, close: async () => undefined };
      },
    };
    const outcome = await forwardPublishedPort(engine, { container: 'p-db-1', containerPort: 5432, hostIp: '0.0.0.0', hostPort: 5437 });
    expect(outcome).toMatchObject({ ok: true, samePort: true, via: 'ssh' });
    expect(asked).toEqual(['127.0.0.1:5437 at 5437 keepAlive true']);
  });

  it('tcp engine without exec, port on its loopback: not forwarded, saying how to fix it', async () => {
    const outcome = await forwardPublishedPort({ location: tcp }, { ...loopbackDb, hostPort: 5437 });
    expect(outcome).toEqual({ ok: false, reason: expect.stringContaining('publish it on all addresses ("0.0.0.0:5437:5432")') });
  });

  it('local engine: nothing to forward', async () => {
    expect(await forwardPublishedPort({}, { ...loopbackDb, hostPort: 5437 })).toEqual({ ok: false, reason: 'the engine runs on this host: the port is already here' });
  });
});
