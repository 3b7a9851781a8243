// PostgresAdmin with pg: one maintenance session (on template1, so that any database can be dropped or
// copied) as the container's POSTGRES_USER, the superuser the official image makes. Reached the way the
// readiness probe reaches the server: the published port, else the container's IP — on a remote engine through
// the probe's route (an ssh relay to that address on the engine host, the engine host's address, or a relay
// exec'd in the container; see probes/probe-route.ts), never this host's loopback.
import type pgTypes from 'pg';
import type { ContainerDetails, Engine, PortRelay } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import type { PostgresAdmin } from '../../core/postgres-admin.js';
import { DEFAULT_POSTGRES_PORT, postgresSettingsFromEnv } from '../../core/readiness.js';
import { TEMPLATE_PREFIX } from '../../core/db-snapshots.js';
import { resolveProbeEndpoint } from '../probes/probe-endpoint.js';
import { formatEndpoint, type ProbeEndpoint } from '../probes/probe.js';
import { routeProbe } from '../probes/probe-route.js';

/** SQLSTATE object_in_use: "source database … is being accessed by other users" (a client came back). */
const OBJECT_IN_USE = '55006';
const COPY_ATTEMPTS = 3;

/** `engine`: the engine the container runs on (a remote one changes the route); absent: dial as on this host. */
export async function openPostgresAdmin(container: ContainerDetails, project: string, signal: AbortSignal, engine?: Pick<Engine, 'location' | 'openPortRelay' | 'openExecStream'>): Promise<PostgresAdmin> {
  const endpoint = resolveProbeEndpoint(container, DEFAULT_POSTGRES_PORT, project);
  if (!endpoint) {
    throw new DevstackError('database', `${container.name} has no address devstack can reach (no published 5432, no network IP).`);
  }
  const { user, password } = postgresSettingsFromEnv(container.env);
  const reached = await reach(container, endpoint, engine);
  const pg: typeof pgTypes = (await import('pg')).default;
  const client = new pg.Client({ host: reached.dial.host, port: reached.dial.port, user, password, database: 'template1', connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  const where = `${reached.where} as ${user}`;
  const onAbort = () => void client.end().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  const detach = (): void => {
    signal.removeEventListener('abort', onAbort);
    void reached.relay?.close().catch(() => undefined);
  };
  try {
    await client.connect();
  } catch (err) {
    detach();
    throw databaseError(err, `cannot open a session on ${container.name} (${where})`);
  }
  const version = Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v ?? 0);
  return new PgAdmin(client, pg, version, detach);
}

/** Where to dial for the server, and the relay that carries it there (a remote engine). */
async function reach(container: ContainerDetails, endpoint: ProbeEndpoint, engine: Pick<Engine, 'location' | 'openPortRelay' | 'openExecStream'> | undefined): Promise<{ dial: ProbeEndpoint; where: string; relay?: PortRelay }> {
  const route = engine ? routeProbe(engine, container, DEFAULT_POSTGRES_PORT, endpoint) : ({ kind: 'direct', endpoint } as const);
  if (route.kind === 'direct') return { dial: route.endpoint, where: formatEndpoint(route.endpoint) };
  if (route.kind === 'unreachable') throw new DevstackError('database', `cannot reach ${container.name}: ${route.reason}.`);
  const where = `${formatEndpoint(route.target)} ${route.where}`;
  let relay: PortRelay;
  try {
    relay = await route.open();
  } catch (err) {
    throw new DevstackError('database', `cannot reach ${container.name} (${where}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { dial: { host: relay.host, port: relay.port }, where, relay };
}

class PgAdmin implements PostgresAdmin {
  constructor(
    private readonly client: pgTypes.Client,
    private readonly pg: typeof pgTypes,
    private readonly serverVersion: number,
    private readonly detach: () => void,
  ) {}

  async listDatabases(): Promise<{ name: string; owner: string }[]> {
    const res = await this.run<{ name: string; owner: string }>(
      'list databases',
      'SELECT datname AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname',
    );
    return res.rows;
  }

  async listSnapshotTemplates(): Promise<{ name: string; comment: string | null }[]> {
    const res = await this.run<{ name: string; comment: string | null }>(
      'list snapshots',
      "SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname",
      [TEMPLATE_PREFIX],
    );
    return res.rows;
  }

  async copyDatabase(from: string, to: string, opts: { owner: string; asTemplate?: { comment: string } }): Promise<void> {
    const id = (name: string) => this.pg.escapeIdentifier(name);
    for (let attempt = 1; ; attempt++) {
      await this.endSessions(from);
      try {
        await this.run(`copy ${from} to ${to}`, `CREATE DATABASE ${id(to)} TEMPLATE ${id(from)} OWNER ${id(opts.owner)}`);
        break;
      } catch (err) {
        const code = (err as { cause?: { code?: unknown } }).cause?.code;
        if (code !== OBJECT_IN_USE || attempt >= COPY_ATTEMPTS) throw err;
      }
    }
    if (opts.asTemplate) {
      await this.run(`mark ${to} a template`, `ALTER DATABASE ${id(to)} IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      await this.run(`comment ${to}`, `COMMENT ON DATABASE ${id(to)} IS ${this.pg.escapeLiteral(opts.asTemplate.comment)}`);
    }
  }

  async dropDatabase(name: string): Promise<void> {
    const id = this.pg.escapeIdentifier(name);
    const exists = await this.run<{ t: boolean }>(`look up ${name}`, 'SELECT datistemplate AS t FROM pg_database WHERE datname = $1', [name]);
    if (exists.rows.length === 0) return;
    if (exists.rows[0]!.t) await this.run(`unmark ${name}`, `ALTER DATABASE ${id} IS_TEMPLATE false`);
    if (this.serverVersion >= 130000) {
      await this.run(`drop ${name}`, `DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
    } else {
      await this.endSessions(name);
      await this.run(`drop ${name}`, `DROP DATABASE IF EXISTS ${id}`);
    }
  }

  async close(): Promise<void> {
    this.detach();
    await this.client.end().catch(() => {});
  }

  private async endSessions(database: string): Promise<void> {
    await this.run(
      `end the sessions on ${database}`,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
  }

  private async run<R extends pgTypes.QueryResultRow>(what: string, sql: string, values: unknown[] = []): Promise<pgTypes.QueryResult<R>> {
    try {
      return await this.client.query<R>(sql, values);
    } catch (err) {
      throw databaseError(err, `cannot ${what}`);
    }
  }
}

/** The server's own words, with the SQLSTATE, as a located-by-action error. */
function databaseError(err: unknown, doing: string): DevstackError {
  const code = (err as { code?: unknown }).code;
  const words = (err as Error).message;
  const hint =
    code === OBJECT_IN_USE
      ? 'A client keeps reconnecting to that database: stop it (`docker stop` the backend, say) and try again.'
      : code === '42501'
        ? 'The container\'s POSTGRES_USER needs to be a superuser (the official image makes it one) or have CREATEDB.'
        : undefined;
  return new DevstackError('database', `${doing}: ${words}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`, {
    ...(hint ? { hint } : {}),
    cause: err,
  });
}
