// A listener on this host's loopback that pipes each accepted connection into a fresh stream made by `connect`
// (an `ssh -W` child, a TCP connection to the engine host). Used by readiness probes and `devstack forward`.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { PortRelay } from '../../core/engine.js';

/** `localPort` 0 = any free port; without `keepAlive` the listener does not hold the process open. */
export function listenLoopbackRelay(localPort: number, connect: () => Duplex, opts: { keepAlive?: boolean } = {}): Promise<PortRelay> {
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    open.add(socket);
    const remote = connect();
    socket.pipe(remote).pipe(socket);
    const end = () => {
      open.delete(socket);
      socket.destroy();
      remote.destroy();
    };
    for (const s of [socket, remote]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(localPort, '127.0.0.1', () => {
      server.off('error', reject);
      if (!opts.keepAlive) server.unref();
      const { port } = server.address() as net.AddressInfo;
      resolve({
        host: '127.0.0.1',
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
