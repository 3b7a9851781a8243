// Database snapshots for `reset-db` and `snapshot-db`: pure rules. A snapshot is a set of template databases
// in the Postgres server itself, one per database of the server at the time, each carrying a JSON comment
// that says which snapshot it belongs to and which database it copies. Restoring one is a CREATE DATABASE
// ... TEMPLATE per database (a file copy inside the server), which is why it takes well under a second for
// a development database. The snapshot named `fresh` is the baseline `reset-db` takes right after the server
// initialised its data; its fingerprint tells whether it still matches the service's configuration.
import { DevstackError } from './errors.js';
import type { Project, ServiceConfig } from './model.js';
import { chooseReadySpec } from './readiness.js';

/** The baseline taken right after a from-scratch initialisation. */
export const FRESH_SNAPSHOT = 'fresh';
/** Template databases devstack made start with this prefix (Postgres names: at most 63 bytes). */
export const TEMPLATE_PREFIX = 'devstack_snap_';

const SNAPSHOT_NAME = /^[a-z0-9][a-z0-9_.-]{0,39}$/i;

export function assertSnapshotName(name: string, opts: { saving: boolean }): void {
  if (!SNAPSHOT_NAME.test(name)) {
    throw new DevstackError('usage', `"${name}" is not a snapshot name.`, {
      hint: 'Use 1 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    });
  }
  if (opts.saving && name === FRESH_SNAPSHOT) {
    throw new DevstackError('usage', `"${FRESH_SNAPSHOT}" is the baseline reset-db keeps itself.`, {
      hint: 'Pick another name; `devstack reset-db --from-scratch` takes a new baseline.',
    });
  }
}

/** What the comment of one template database says. */
export interface SnapshotPart {
  snapshot: string;
  /** One save: the parts of one save share it (a name saved again gets a new one). */
  saveId: string;
  database: string;
  owner: string;
  /** How many databases the save copied. */
  parts: number;
  createdAt: string;
  /** The `fresh` baseline only: what the server was initialised from (see reset-db). */
  fingerprint?: string;
}

export interface SnapshotTemplate extends SnapshotPart {
  /** The template database's own name. */
  template: string;
}

export interface DbSnapshot {
  name: string;
  saveId: string;
  createdAt: string;
  fingerprint?: string;
  /** One template per copied database, by database name. */
  databases: { database: string; owner: string; template: string }[];
}

export function templateName(saveId: string, index: number): string {
  return `${TEMPLATE_PREFIX}${saveId}_${index}`;
}

export function formatSnapshotComment(part: SnapshotPart): string {
  return JSON.stringify({ devstack: 'db-snapshot', ...part });
}

/** The part a template's comment describes; undefined for a comment devstack did not write. */
export function parseSnapshotComment(comment: string | null | undefined): SnapshotPart | undefined {
  if (!comment) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(comment);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const [snapshot, saveId, database, owner, createdAt] = ['snapshot', 'saveId', 'database', 'owner', 'createdAt'].map(text);
  if (v.devstack !== 'db-snapshot' || !snapshot || !saveId || !database || !owner || !createdAt || typeof v.parts !== 'number') return undefined;
  const fingerprint = text('fingerprint');
  return { snapshot, saveId, database, owner, createdAt, parts: v.parts, ...(fingerprint ? { fingerprint } : {}) };
}

/**
 * The complete snapshots, newest save per name, by name. A save whose templates are not all there (one
 * interrupted half-way) is left out; `incomplete` lists their templates so they can be cleaned up.
 */
export function groupSnapshots(templates: SnapshotTemplate[]): { snapshots: Map<string, DbSnapshot>; incomplete: string[] } {
  const saves = new Map<string, SnapshotTemplate[]>();
  for (const t of templates) saves.set(t.saveId, [...(saves.get(t.saveId) ?? []), t]);
  const snapshots = new Map<string, DbSnapshot>();
  const incomplete: string[] = [];
  for (const parts of saves.values()) {
    const first = parts[0]!;
    if (parts.length !== first.parts || parts.some((p) => p.snapshot !== first.snapshot)) {
      incomplete.push(...parts.map((p) => p.template));
      continue;
    }
    const known = snapshots.get(first.snapshot);
    if (known && known.createdAt >= first.createdAt) continue;
    snapshots.set(first.snapshot, {
      name: first.snapshot,
      saveId: first.saveId,
      createdAt: first.createdAt,
      ...(first.fingerprint ? { fingerprint: first.fingerprint } : {}),
      databases: parts.map((p) => ({ database: p.database, owner: p.owner, template: p.template })).sort((a, b) => a.database.localeCompare(b.database)),
    });
  }
  return { snapshots, incomplete };
}

/** The templates of older saves of names that have a newer complete save (left by a save that was cut short). */
export function supersededTemplates(templates: SnapshotTemplate[], snapshots: Map<string, DbSnapshot>): string[] {
  return templates.filter((t) => snapshots.get(t.snapshot) !== undefined && snapshots.get(t.snapshot)!.saveId !== t.saveId).map((t) => t.template);
}

/** The Postgres service the command is about: the one named, or the project's only Postgres-like service. */
export function choosePostgresService(project: Project, requested: string | undefined): ServiceConfig {
  const postgres = Object.values(project.services).filter((s) => chooseReadySpec(s).kind === 'postgres');
  const names = postgres.map((s) => s.name).sort();
  if (requested !== undefined) {
    const service = project.services[requested];
    if (!service) {
      throw new DevstackError('not-found', `No service ${requested} in this project.`, {
        hint: `The project's services: ${Object.keys(project.services).sort().join(', ')}.`,
      });
    }
    if (!postgres.includes(service)) {
      throw new DevstackError('usage', `${requested} is not a Postgres service (its image is ${service.image ?? 'built locally'}).`, {
        hint: names.length > 0 ? `Postgres services here: ${names.join(', ')}.` : 'Mark a Postgres service with `x-devstack: { ready: postgres }`.',
      });
    }
    return service;
  }
  if (postgres.length === 1) return postgres[0]!;
  if (postgres.length === 0) {
    throw new DevstackError('not-found', 'This project has no Postgres service.', {
      hint: 'devstack knows postgres, pgvector, postgis and timescaledb images; mark another with `x-devstack: { ready: postgres }`.',
    });
  }
  throw new DevstackError('usage', `This project has several Postgres services (${names.join(', ')}); say which.`, {
    hint: `For example \`devstack reset-db ${names[0]}\`.`,
  });
}

/** Where the official image keeps its data unless PGDATA says otherwise. */
export const DEFAULT_PGDATA = '/var/lib/postgresql/data';

/** The mount that holds PGDATA: the one whose target is PGDATA or a folder above it (the deepest). */
export function dataMountOf<M extends { target: string }>(mounts: M[], pgdata: string): M | undefined {
  const folder = (target: string) => target.replace(/\/+$/, '');
  const holding = mounts.filter((m) => pgdata === folder(m.target) || pgdata.startsWith(`${folder(m.target)}/`));
  return holding.sort((a, b) => folder(b.target).length - folder(a.target).length)[0];
}

/** Folders the official image runs init scripts from. */
export const INIT_SCRIPTS_DIR = '/docker-entrypoint-initdb.d';

export function isInitScriptsMount(target: string): boolean {
  return target === INIT_SCRIPTS_DIR || target.startsWith(`${INIT_SCRIPTS_DIR}/`);
}
