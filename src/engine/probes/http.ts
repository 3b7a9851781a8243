// HTTP is ready when GET <path> answers the expected status, or any 2xx/3xx when none is given.
import http from 'node:http';
import { describeError, formatEndpoint, notReady, READY, type ProbeEndpoint, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export interface HttpProbeOptions {
  endpoint: ProbeEndpoint;
  path: string;
  status?: number;
}

export function createHttpProbe(options: HttpProbeOptions): ReadinessProbe {
  const path = options.path.startsWith('/') ? options.path : `/${options.path}`;
  const url = `http://${formatEndpoint(options.endpoint)}${path}`;
  const accepts = (status: number) =>
    options.status === undefined ? status >= 200 && status < 400 : status === options.status;
  return {
    description: `http GET ${url} → ${options.status ?? '2xx/3xx'}`,
    attempt(signal: AbortSignal): Promise<ProbeOutcome> {
      return new Promise<ProbeOutcome>((resolve) => {
        const request = http.get(
          { host: options.endpoint.host, port: options.endpoint.port, path, signal, agent: false, headers: { connection: 'close' } },
          (response) => {
            response.resume();
            const status = response.statusCode ?? 0;
            resolve(accepts(status) ? READY : notReady(`GET ${url} answered ${status}`));
          },
        );
        request.on('error', (error) => resolve(notReady(`GET ${url}: ${describeError(error)}`)));
      });
    },
  };
}
