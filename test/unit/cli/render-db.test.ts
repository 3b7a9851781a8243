import { describe, expect, it } from 'vitest';
import { formatResetDb, formatSnapshotDeleted, formatSnapshotList, formatSnapshotSaved } from '../../../src/cli/render-db.js';

describe('reset-db and snapshot-db lines', () => {
  const base = { service: 'postgres', snapshot: 'fresh', databases: ['app', 'app_test'], restarted: [], flushed: [], hooks: [], elapsedMs: 412 };

  it('says how the data was reset and which dependents were restarted', () => {
    expect(formatResetDb({ ...base, method: 'snapshot' })).toBe('postgres: app, app_test reset from snapshot fresh in 412 ms');
    expect(formatResetDb({ ...base, method: 'from-scratch', restarted: ['backend', 'worker'] })).toBe(
      'postgres: app, app_test reset from scratch in 412 ms; restarted backend, worker',
    );
    expect(formatResetDb({ ...base, method: 'declined' })).toBe('postgres: nothing changed');
  });

  it('lists snapshots, or says there are none', () => {
    expect(formatSnapshotList('postgres', [])).toEqual(['postgres: no snapshots']);
    expect(formatSnapshotList('postgres', [{ name: 'seeded', createdAt: '2026-12-02T10:00:00Z', databases: ['app'] }])).toEqual([
      'seeded  2026-12-02T10:00:00Z  app',
    ]);
  });

  it('confirms a save and a delete (or that nothing changed)', () => {
    expect(formatSnapshotSaved({ service: 'postgres', name: 'seeded', createdAt: '', databases: ['app'], elapsedMs: 90 })).toBe(
      'postgres: saved snapshot seeded (app) in 90 ms',
    );
    expect(formatSnapshotDeleted({ service: 'postgres', deleted: true }, 'seeded')).toBe('postgres: deleted snapshot seeded');
    expect(formatSnapshotDeleted({ service: 'postgres', deleted: false }, 'seeded')).toBe('postgres: nothing changed');
  });
});
