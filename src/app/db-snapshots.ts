// `snapshot-db`: save, list and delete snapshots of a Postgres service's databases, and the steps reset-db
// shares (find the running server, open a maintenance session, save and restore a snapshot). See
// src/core/db-snapshots.ts for what a snapshot is.
import { randomBytes } from 'node:crypto';
import type { ContainerDetails, ContainerQueryPort } from '../core/engine.js';
import {
  assertSnapshotName,
  choosePostgresService,
  formatSnapshotComment,
  groupSnapshots,
  parseSnapshotComment,
  supersededTemplates,
  templateName,
  type DbSnapshot,
  type SnapshotTemplate,
} from '../core/db-snapshots.js';
import { DevstackError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { runningServiceContainer } from '../core/labels.js';
import type { Project, ServiceConfig } from '../core/model.js';
import type { OpenPostgresAdmin, PostgresAdmin } from '../core/postgres-admin.js';

export interface DbTarget {
  project: Project;
  /** The Postgres service; undefined: the project's only one. */
  service?: string;
  signal: AbortSignal;
  onEvent: EventSink;
}

export interface DbSnapshotDeps {
  engine: ContainerQueryPort;
  openPostgresAdmin: OpenPostgresAdmin;
}

export interface SnapshotSummary {
  name: string;
  createdAt: string;
  databases: string[];
}

/** The chosen Postgres service and its running container. */
export async function runningPostgres(req: DbTarget, engine: ContainerQueryPort): Promise<{ service: ServiceConfig; container: ContainerDetails }> {
  const service = choosePostgresService(req.project, req.service);
  const containers = await engine.listProjectContainers(req.project.name);
  const info = runningServiceContainer(containers, service.name);
  if (!info) {
    throw new DevstackError('not-found', `${service.name} has no running container in project ${req.project.name}.`, {
      hint: `Start it first: \`devstack up ${service.name}\`.`,
    });
  }
  return { service, container: await engine.inspectContainer(info.id) };
}

/** Runs `task` with a maintenance session on the service's server, closed afterwards. */
export async function withPostgresAdmin<T>(req: DbTarget, deps: DbSnapshotDeps, task: (admin: PostgresAdmin, service: ServiceConfig) => Promise<T>): Promise<T> {
  const { service, container } = await runningPostgres(req, deps.engine);
  const admin = await deps.openPostgresAdmin(container, req.project.name, req.signal);
  try {
    return await task(admin, service);
  } finally {
    await admin.close();
  }
}

export async function readSnapshots(admin: PostgresAdmin): Promise<{ templates: SnapshotTemplate[]; snapshots: Map<string, DbSnapshot>; incomplete: string[] }> {
  const templates: SnapshotTemplate[] = [];
  for (const row of await admin.listSnapshotTemplates()) {
    const part = parseSnapshotComment(row.comment);
    if (part) templates.push({ ...part, template: row.name });
  }
  return { templates, ...groupSnapshots(templates) };
}

/** Copies every database of the server into a new save of `name`, then drops older saves of it. */
export async function saveSnapshot(admin: PostgresAdmin, name: string, fingerprint?: string): Promise<DbSnapshot> {
  const databases = await admin.listDatabases();
  const saveId = randomBytes(6).toString('hex');
  const createdAt = new Date().toISOString();
  for (const [index, db] of databases.entries()) {
    const comment = formatSnapshotComment({
      snapshot: name,
      saveId,
      database: db.name,
      owner: db.owner,
      parts: databases.length,
      createdAt,
      ...(fingerprint ? { fingerprint } : {}),
    });
    await admin.copyDatabase(db.name, templateName(saveId, index), { owner: db.owner, asTemplate: { comment } });
  }
  const { templates, snapshots, incomplete } = await readSnapshots(admin);
  for (const template of [...supersededTemplates(templates, snapshots), ...incomplete]) {
    await admin.dropDatabase(template);
  }
  const saved = snapshots.get(name);
  if (saved?.saveId !== saveId) throw new DevstackError('internal', `snapshot ${name} was saved but is not listed`);
  return saved;
}

/** Replaces each database the snapshot holds with its copy; databases made since are left as they are. */
export async function restoreSnapshot(admin: PostgresAdmin, snapshot: DbSnapshot): Promise<void> {
  for (const db of snapshot.databases) {
    await admin.dropDatabase(db.database);
    await admin.copyDatabase(db.template, db.database, { owner: db.owner });
  }
}

export async function saveDbSnapshot(req: DbTarget & { name: string }, deps: DbSnapshotDeps): Promise<SnapshotSummary & { service: string; elapsedMs: number }> {
  assertSnapshotName(req.name, { saving: true });
  const started = Date.now();
  return withPostgresAdmin(req, deps, async (admin, service) => {
    const saved = await saveSnapshot(admin, req.name);
    const elapsedMs = Date.now() - started;
    req.onEvent({ type: 'notice', level: 'info', service: service.name, message: `${service.name}: saved snapshot ${req.name} (${saved.databases.length} databases) in ${elapsedMs} ms` });
    return { service: service.name, elapsedMs, ...summary(saved) };
  });
}

export async function listDbSnapshots(req: DbTarget, deps: DbSnapshotDeps): Promise<{ service: string; snapshots: SnapshotSummary[] }> {
  return withPostgresAdmin(req, deps, async (admin, service) => {
    const { snapshots } = await readSnapshots(admin);
    return { service: service.name, snapshots: [...snapshots.values()].sort((a, b) => a.name.localeCompare(b.name)).map(summary) };
  });
}

export async function deleteDbSnapshot(
  req: DbTarget & { name: string; confirm: (question: string) => Promise<boolean> },
  deps: DbSnapshotDeps,
): Promise<{ service: string; deleted: boolean }> {
  assertSnapshotName(req.name, { saving: false });
  return withPostgresAdmin(req, deps, async (admin, service) => {
    const { templates, snapshots } = await readSnapshots(admin);
    if (!snapshots.has(req.name)) throw noSuchSnapshot(req.name, service.name, snapshots);
    if (!(await req.confirm(`Delete snapshot ${req.name} of ${service.name}?`))) return { service: service.name, deleted: false };
    for (const t of templates.filter((t) => t.snapshot === req.name)) await admin.dropDatabase(t.template);
    return { service: service.name, deleted: true };
  });
}

export function noSuchSnapshot(name: string, service: string, snapshots: Map<string, DbSnapshot>): DevstackError {
  const known = [...snapshots.keys()].sort();
  return new DevstackError('not-found', `${service} has no snapshot ${name}.`, {
    hint: known.length > 0 ? `Its snapshots: ${known.join(', ')}.` : `Save one with \`devstack snapshot-db NAME\`.`,
  });
}

function summary(s: DbSnapshot): SnapshotSummary {
  return { name: s.name, createdAt: s.createdAt, databases: s.databases.map((d) => d.database) };
}
