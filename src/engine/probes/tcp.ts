// TCP is ready when a connection opens and stays open.
// "Stays open" matters: docker-proxy accepts on a published port even when nothing listens in the
// container yet, then closes the connection at once. A connection still open after `settleMs` is real.
import net from 'node:net';
import { describeError, formatEndpoint, notReady, READY, type ProbeEndpoint, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export interface TcpProbeOptions {
  endpoint: ProbeEndpoint;
  /** How long an accepted connection must stay open (or send data) to count. Default 150 ms. */
  settleMs?: number;
}

export function createTcpProbe(options: TcpProbeOptions): ReadinessProbe {
  const where = formatEndpoint(options.endpoint);
  const settleMs = options.settleMs ?? 150;
  return {
    description: `tcp connect ${where}`,
    attempt(signal: AbortSignal): Promise<ProbeOutcome> {
      return new Promise<ProbeOutcome>((resolve) => {
        const socket = net.connect({ host: options.endpoint.host, port: options.endpoint.port, signal });
        let settleTimer: NodeJS.Timeout | undefined;
        const finish = (outcome: ProbeOutcome) => {
          clearTimeout(settleTimer);
          socket.destroy();
          resolve(outcome);
        };
        socket.once('connect', () => {
          settleTimer = setTimeout(() => finish(READY), settleMs);
        });
        socket.once('data', () => finish(READY));
        socket.once('end', () => finish(notReady(`${where} accepted and closed at once (nothing listens behind the published port yet)`)));
        socket.once('error', (error: NodeJS.ErrnoException) =>
          finish(notReady(error.code === 'ECONNREFUSED' ? `connection refused at ${where}` : `connect ${where}: ${describeError(error)}`)),
        );
        socket.once('close', () => finish(notReady(`connect ${where}: closed`)));
      });
    },
  };
}
