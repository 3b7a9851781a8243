import { describe, expect, it } from 'vitest';
import {
  assertSnapshotName,
  choosePostgresService,
  dataMountOf,
  formatSnapshotComment,
  groupSnapshots,
  isInitScriptsMount,
  parseSnapshotComment,
  supersededTemplates,
  templateName,
  type SnapshotPart,
  type SnapshotTemplate,
} from '../../../src/core/db-snapshots.js';
import { DevstackError } from '../../../src/core/errors.js';
import { project, service } from './fixtures.js';

const part = (over: Partial<SnapshotPart> = {}): SnapshotPart => ({
  snapshot: 'seeded',
  saveId: 'aaaa',
  database: 'appdb',
  owner: 'app',
  parts: 2,
  createdAt: '2026-11-27T04:00:00.000Z',
  ...over,
});
const template = (index: number, over: Partial<SnapshotPart> = {}): SnapshotTemplate => {
  const p = part(over);
  return { ...p, template: templateName(p.saveId, index) };
};

function errorOf(f: () => unknown): DevstackError {
  try {
    f();
  } catch (e) {
    return e as DevstackError;
  }
  throw new Error('no error');
}

describe('snapshot names', () => {
  it('takes letters, digits, ".", "_" and "-"; refuses spaces, a leading dash and saving over the baseline', () => {
    expect(() => assertSnapshotName('seeded-2026.11_a', { saving: true })).not.toThrow();
    expect(errorOf(() => assertSnapshotName('no spaces', { saving: true })).kind).toBe('usage');
    expect(errorOf(() => assertSnapshotName('-x', { saving: false })).message).toBe('"-x" is not a snapshot name.');
    expect(errorOf(() => assertSnapshotName('x'.repeat(41), { saving: false })).kind).toBe('usage');
    expect(errorOf(() => assertSnapshotName('fresh', { saving: true })).hint).toContain('--from-scratch');
    expect(() => assertSnapshotName('fresh', { saving: false })).not.toThrow();
  });

  it('template names fit Postgres identifiers (63 bytes)', () => {
    expect(templateName('0123456789ab', 120)).toBe('devstack_snap_0123456789ab_120');
  });
});

describe('snapshot comments', () => {
  it('round-trip, with and without a fingerprint; comments devstack did not write are not parts', () => {
    expect(parseSnapshotComment(formatSnapshotComment(part()))).toEqual(part());
    expect(parseSnapshotComment(formatSnapshotComment(part({ fingerprint: 'f1' })))).toEqual(part({ fingerprint: 'f1' }));
    expect(parseSnapshotComment(null)).toBeUndefined();
    expect(parseSnapshotComment('a database for tests')).toBeUndefined();
    expect(parseSnapshotComment('{"devstack":"db-snapshot","snapshot":"x"}')).toBeUndefined();
    expect(parseSnapshotComment('[1]')).toBeUndefined();
  });
});

describe('groupSnapshots', () => {
  it('groups the parts of a save, keeps the newest complete save per name, and reports half saves', () => {
    const older = [template(0, { saveId: 'old1', createdAt: '2026-11-27T03:00:00.000Z' }), template(1, { saveId: 'old1', database: 'postgres', createdAt: '2026-11-27T03:00:00.000Z' })];
    const newer = [template(0, { saveId: 'new1' }), template(1, { saveId: 'new1', database: 'postgres' })];
    const half = [template(0, { saveId: 'half', createdAt: '2026-11-27T05:00:00.000Z' })];
    const fresh = [template(0, { snapshot: 'fresh', saveId: 'frsh', parts: 1, fingerprint: 'fp' })];
    const all = [...newer, ...half, ...older, ...fresh];
    const { snapshots, incomplete } = groupSnapshots(all);
    expect([...snapshots.keys()].sort()).toEqual(['fresh', 'seeded']);
    expect(snapshots.get('seeded')).toEqual({
      name: 'seeded',
      saveId: 'new1',
      createdAt: '2026-11-27T04:00:00.000Z',
      databases: [
        { database: 'appdb', owner: 'app', template: 'devstack_snap_new1_0' },
        { database: 'postgres', owner: 'app', template: 'devstack_snap_new1_1' },
      ],
    });
    expect(snapshots.get('fresh')?.fingerprint).toBe('fp');
    expect(incomplete).toEqual(['devstack_snap_half_0']);
    expect(supersededTemplates(all, snapshots).sort()).toEqual(['devstack_snap_half_0', 'devstack_snap_old1_0', 'devstack_snap_old1_1']);
  });
});

describe('choosePostgresService', () => {
  const db = service('db', { image: 'postgres:16-alpine' });
  const vector = service('vector', { image: 'pgvector/pgvector:pg16' });
  const cache = service('cache', { image: 'redis:7-alpine' });

  it('picks the only Postgres-like service, or the one named', () => {
    expect(choosePostgresService(project([db, cache]), undefined).name).toBe('db');
    expect(choosePostgresService(project([db, vector, cache]), 'vector').name).toBe('vector');
    const marked = service('custom', { image: 'acme/db', devstack: { ready: { kind: 'postgres' } } });
    expect(choosePostgresService(project([marked, cache]), undefined).name).toBe('custom');
  });

  it('says which services exist when the choice is missing, ambiguous or not Postgres', () => {
    const none = errorOf(() => choosePostgresService(project([cache]), undefined));
    expect([none.kind, none.message]).toEqual(['not-found', 'This project has no Postgres service.']);
    const several = errorOf(() => choosePostgresService(project([db, vector]), undefined));
    expect([several.kind, several.message, several.hint]).toEqual([
      'usage',
      'This project has several Postgres services (db, vector); say which.',
      'For example `devstack reset-db db`.',
    ]);
    const notPg = errorOf(() => choosePostgresService(project([db, cache]), 'cache'));
    expect([notPg.kind, notPg.hint]).toEqual(['usage', 'Postgres services here: db.']);
    const unknown = errorOf(() => choosePostgresService(project([db, cache]), 'web'));
    expect([unknown.kind, unknown.hint]).toEqual(['not-found', "The project's services: cache, db."]);
  });
});

describe('mounts', () => {
  it('the data mount is the deepest one holding PGDATA', () => {
    const mounts = [
      { type: 'volume', target: '/var/lib/postgresql' },
      { type: 'volume', target: '/var/lib/postgresql/data/' },
      { type: 'bind', target: '/docker-entrypoint-initdb.d' },
    ];
    expect(dataMountOf(mounts, '/var/lib/postgresql/data')?.target).toBe('/var/lib/postgresql/data/');
    expect(dataMountOf(mounts, '/var/lib/postgresql/data/pgdata')?.target).toBe('/var/lib/postgresql/data/');
    expect(dataMountOf(mounts.slice(0, 1), '/var/lib/postgresql/data')?.target).toBe('/var/lib/postgresql');
    expect(dataMountOf([{ type: 'volume', target: '/var/lib/postgres' }], '/var/lib/postgresql/data')).toBeUndefined();
    expect(isInitScriptsMount('/docker-entrypoint-initdb.d/01.sql')).toBe(true);
    expect(isInitScriptsMount('/docker-entrypoint-initdb.dx')).toBe(false);
  });
});
