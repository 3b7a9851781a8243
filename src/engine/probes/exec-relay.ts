// A connection to a port inside a container, made by a process exec'd in that container (busybox `nc`, else
// bash's /dev/tcp) and carried over the engine's own API connection: how a probe (and `devstack forward`) reaches a
// service on a tcp engine whose port is published only on the engine host's loopback.
import { Duplex, PassThrough } from 'node:stream';
import type { ExecPort, PortRelay, RelayListenOptions } from '../../core/engine.js';
import { listenLoopbackRelay } from '../ports/loopback-relay.js';

/** The relay command: whichever tool the image has. */
export function execRelayCommand(port: number): string[] {
  const p = String(port);
  return [
    'sh',
    '-c',
    `if command -v nc >/dev/null 2>&1; then exec nc 127.0.0.1 ${p}; ` +
      `elif command -v bash >/dev/null 2>&1; then exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/${p} || exit 1; cat <&3 & cat >&3'; ` +
      `else echo 'neither nc nor bash in the container' >&2; exit 127; fi`,
  ];
}

function execDuplex(engine: Pick<ExecPort, 'openExecStream'>, containerId: string, port: number): Duplex {
  const toContainer = new PassThrough();
  const fromContainer = new PassThrough();
  const stream = Duplex.from({ writable: toContainer, readable: fromContainer });
  const abort = new AbortController();
  engine
    .openExecStream(containerId, execRelayCommand(port), { signal: abort.signal })
    .then((exec) => {
      toContainer.pipe(exec.stdin);
      exec.stdout.pipe(fromContainer);
      void exec.ended.then(() => fromContainer.end());
      stream.once('close', () => exec.close());
    })
    .catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
  stream.once('close', () => abort.abort());
  return stream;
}

/**
 * A loopback listener (at `localPort`, 0 = any free one) whose connections each become an exec'd relay to `port`
 * inside the container.
 */
export function openExecRelay(engine: Pick<ExecPort, 'openExecStream'>, containerId: string, port: number, opts: RelayListenOptions = {}): Promise<PortRelay> {
  return listenLoopbackRelay(opts.localPort ?? 0, () => execDuplex(engine, containerId, port), opts);
}
