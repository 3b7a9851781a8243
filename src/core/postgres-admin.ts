// The port `reset-db` and `snapshot-db` use to act on a Postgres server (src/engine/postgres implements it with
// pg; the composition root passes it in). Each call is one or two SQL statements on a maintenance session.
import type { ContainerDetails } from './engine.js';

export interface PostgresAdmin {
  /** The databases people connect to: not templates, connections allowed; with their owners. */
  listDatabases(): Promise<{ name: string; owner: string }[]>;
  /** The template databases devstack made (name prefix TEMPLATE_PREFIX), with their comments. */
  listSnapshotTemplates(): Promise<{ name: string; comment: string | null }[]>;
  /**
   * CREATE DATABASE `to` TEMPLATE `from` OWNER `owner`, ending the other sessions on `from` first. With
   * `asTemplate`, `to` becomes a template closed to connections, carrying the comment.
   */
  copyDatabase(from: string, to: string, opts: { owner: string; asTemplate?: { comment: string } }): Promise<void>;
  /** DROP DATABASE IF EXISTS, ending its sessions (a template is unmarked first). */
  dropDatabase(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens a superuser maintenance session on the Postgres server of a running container. */
export type OpenPostgresAdmin = (container: ContainerDetails, project: string, signal: AbortSignal) => Promise<PostgresAdmin>;
