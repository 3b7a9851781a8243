// Postgres is ready when a fresh TCP session authenticates and answers `SELECT 1`.
// Safe against the official image's first start: its init server listens on the Unix socket only,
// so no TCP session (published port or container IP) succeeds until the real server is up.
import type pgTypes from 'pg';
import type { PostgresConnectionSettings } from '../../core/readiness.js';
import { describeError, formatEndpoint, notReady, raceAbort, READY, type ProbeEndpoint, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export interface PostgresProbeOptions extends PostgresConnectionSettings {
  endpoint: ProbeEndpoint;
  /** Limit for the TCP connect + startup handshake of one attempt. */
  connectTimeoutMs?: number;
  /** The compose service, for the commands a hint suggests. */
  service?: string;
}

/** SQLSTATEs that mean "a server answered, but not (or not yet) with what we wait for". */
const NOT_YET_CODES: Record<string, string> = {
  '28P01': 'authentication failed',
  '28000': 'authorization rejected',
  '3D000': 'database does not exist',
  '57P03': 'server is starting up',
  '57P01': 'server is shutting down',
};

export function createPostgresProbe(options: PostgresProbeOptions): ReadinessProbe {
  const where = formatEndpoint(options.endpoint);
  return {
    description: `postgres SELECT 1 at ${where} as ${options.user}/${options.database}`,
    async attempt(signal: AbortSignal): Promise<ProbeOutcome> {
      // Loaded on first use: a stack without Postgres never pays for the driver.
      const pg: typeof pgTypes = (await import('pg')).default;
      const client = new pg.Client({
        host: options.endpoint.host,
        port: options.endpoint.port,
        user: options.user,
        password: options.password,
        database: options.database,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 1000,
      });
      // A dropped connection is reported through the attempt; an 'error' event must not crash us.
      client.on('error', () => {});
      try {
        await raceAbort(client.connect(), signal);
        await raceAbort(client.query('SELECT 1'), signal);
        return READY;
      } catch (error) {
        const reason = describePostgresError(error, where);
        const hint = rejectionHint(error, options);
        return hint === undefined ? notReady(reason) : { ready: false, reason, rejected: { hint } };
      } finally {
        void client.end().catch(() => {});
      }
    },
  };
}

/**
 * What to do about an answer that waiting will not change: the server has finished starting (the official image's
 * entrypoint initialises on a socket-only server, so a TCP answer comes from the final one) and refuses the role,
 * password or database the container's environment names. The image applies POSTGRES_USER / POSTGRES_PASSWORD /
 * POSTGRES_DB only when it initialises an empty data folder: a volume from before a change keeps the old ones.
 */
export function rejectionHint(error: unknown, options: PostgresConnectionSettings & { service?: string }): string | undefined {
  const code = (error as { code?: unknown }).code;
  const service = options.service ?? '';
  const fromScratch = `devstack reset-db --from-scratch ${service}`.trimEnd();
  const startOver = `start over from empty data (this deletes it): \`${fromScratch}\`, or \`devstack down -v\` then \`devstack up\``;
  switch (code) {
    case '28P01':
      return `The data volume was initialised with another password for ${options.user}; a changed POSTGRES_PASSWORD applies only to empty data. Put the old password back, or ${startOver}.`;
    case '28000':
      return `The data volume was initialised for another POSTGRES_USER than ${options.user}. Put the old user back, or ${startOver}.`;
    case '3D000':
      return `The data volume was initialised without database ${options.database} (POSTGRES_DB is created only on empty data). Create it, put the old POSTGRES_DB back, or ${startOver}.`;
    default:
      return undefined;
  }
}

/** Keeps the server's own words (`password authentication failed for user "app"`) in the reason. */
export function describePostgresError(error: unknown, where: string): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code in NOT_YET_CODES) {
    return `${(error as Error).message} (SQLSTATE ${code}: ${NOT_YET_CODES[code]})`;
  }
  if (code === 'ECONNREFUSED') return `connection refused at ${where}`;
  return `${describeError(error)} at ${where}`;
}
