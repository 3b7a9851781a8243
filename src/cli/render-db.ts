// Plain lines for `reset-db` and `snapshot-db` (their --json output is the result itself).
import type { SnapshotSummary } from '../app/db-snapshots.js';
import type { ResetDbResult } from '../app/reset-db.js';

/** `postgres: app, app_test reset from snapshot fresh in 412 ms; restarted backend`. */
export function formatResetDb(r: ResetDbResult): string {
  if (r.method === 'declined') return `${r.service}: nothing changed`;
  const how = r.method === 'snapshot' ? `from snapshot ${r.snapshot}` : 'from scratch';
  const restarted = r.restarted.length > 0 ? `; restarted ${r.restarted.join(', ')}` : '';
  const flushed = r.flushed.length > 0 ? `; emptied ${r.flushed.join(', ')}` : '';
  const hooks = r.hooks.length > 0 ? `; ran ${r.hooks.map((h) => `\`${h.command.join(' ')}\` in ${h.service}`).join(', ')}` : '';
  return `${r.service}: ${r.databases.join(', ')} reset ${how} in ${r.elapsedMs} ms${restarted}${flushed}${hooks}`;
}

/** One line per snapshot: name, when, databases; or that there are none. */
export function formatSnapshotList(service: string, snapshots: SnapshotSummary[]): string[] {
  if (snapshots.length === 0) return [`${service}: no snapshots`];
  return snapshots.map((s) => `${s.name}  ${s.createdAt}  ${s.databases.join(', ')}`);
}

export function formatSnapshotSaved(s: SnapshotSummary & { service: string; elapsedMs: number }): string {
  return `${s.service}: saved snapshot ${s.name} (${s.databases.join(', ')}) in ${s.elapsedMs} ms`;
}

export function formatSnapshotDeleted(r: { service: string; deleted: boolean }, name: string): string {
  return r.deleted ? `${r.service}: deleted snapshot ${name}` : `${r.service}: nothing changed`;
}
