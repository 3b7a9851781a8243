// Redis (and Valkey, KeyDB) is ready when PING answers PONG; `LOADING` means the dataset is still loading.
import type { Redis as RedisClient } from 'ioredis';
import { describeError, formatEndpoint, notReady, raceAbort, READY, type ProbeEndpoint, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export interface RedisProbeOptions {
  endpoint: ProbeEndpoint;
  password?: string;
  connectTimeoutMs?: number;
}

export function createRedisProbe(options: RedisProbeOptions): ReadinessProbe {
  const where = formatEndpoint(options.endpoint);
  return {
    description: `redis PING at ${where}`,
    async attempt(signal: AbortSignal): Promise<ProbeOutcome> {
      // Loaded on first use: a stack without Redis never pays for the client.
      const { Redis }: { Redis: typeof RedisClient } = await import('ioredis');
      const client = new Redis({
        host: options.endpoint.host,
        port: options.endpoint.port,
        ...(options.password ? { password: options.password } : {}),
        lazyConnect: true,
        enableOfflineQueue: false,
        // Our own check replaces ioredis's INFO-based loading wait: PING answers LOADING by itself.
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: options.connectTimeoutMs ?? 1000,
        // RESP2 and no CLIENT SETINFO: the widest range of servers (old KeyDB, Valkey) answers it.
        protocol: 2,
        disableClientInfo: true,
      });
      client.on('error', () => {});
      try {
        await raceAbort(client.connect(), signal);
        const reply = await raceAbort(client.ping(), signal);
        return reply === 'PONG' ? READY : notReady(`PING answered ${JSON.stringify(reply)} at ${where}`);
      } catch (error) {
        const message = describeError(error);
        if (message.startsWith('LOADING')) return notReady(`redis is loading its dataset at ${where}`);
        if (message.includes('ECONNREFUSED')) return notReady(`connection refused at ${where}`);
        return notReady(`${message} at ${where}`);
      } finally {
        client.disconnect();
      }
    },
  };
}
