// `reset-db`: a fresh development database. The first time (or with --from-scratch, or when the service's
// configuration, image or init scripts changed since) the server's data is deleted and the image initialises
// it again: the container and its data volume are removed and `up` starts the service anew. Right after that
// devstack saves the `fresh` baseline snapshot, so the next reset is a copy inside the server instead (well
// under a second). `--to NAME` restores a snapshot saved with `snapshot-db`. Every path asks first: the
// current data is lost. Afterwards (src/app/reset-hooks.ts): --redis empties the project's Redis, and the
// service's x-devstack.reset.run commands (migrations, seeds) run in the services they name.
import { createHash } from 'node:crypto';
import type { ContainerDetails } from '../core/engine.js';
import { DEFAULT_PGDATA, dataMountOf, FRESH_SNAPSHOT, isInitScriptsMount, assertSnapshotName } from '../core/db-snapshots.js';
import { DevstackError } from '../core/errors.js';
import { LABEL } from '../core/labels.js';
import type { ResetHook, ServiceConfig } from '../core/model.js';
import { stableJson } from '../core/stable-json.js';
import { noSuchSnapshot, readSnapshots, restoreSnapshot, runningPostgres, saveSnapshot, type DbSnapshotDeps, type DbTarget } from './db-snapshots.js';
import { flushRedis, runResetHooks, type HookRun } from './reset-hooks.js';
import { restartDependents } from './restart-dependents.js';
import type { UpDeps } from './up.js';
import { removeWithAnonymousVolumes } from './remove-container.js';
import { nestedUpRequest } from './up-request.js';

export interface ResetDbRequest extends DbTarget {
  /** Restore this snapshot instead of the fresh state. */
  to?: string;
  /** Initialise from scratch even when the `fresh` baseline matches. */
  fromScratch: boolean;
  /** Asked before any data is lost; false ends the command with nothing changed. */
  confirm: (question: string) => Promise<boolean>;
  waitTimeoutMs: number;
  stateDir: string;
  /** Also FLUSHALL each Redis-like service of the project. */
  redis?: boolean;
}

export interface ResetDbDeps extends DbSnapshotDeps {
  /** What `up` asks of it (a reset from scratch brings the service up again), which covers the hooks' execs too. */
  engine: UpDeps['engine'];
  /** A digest of the host files under these paths (the init scripts bind-mounted into the container). */
  digestHostPaths: (paths: string[]) => Promise<string>;
  /** What `up` needs besides the engine; loaded only when the server is initialised from scratch. */
  upDeps: () => Promise<Omit<UpDeps, 'engine'>>;
}

export interface ResetDbResult {
  service: string;
  /** `snapshot`: copied from a snapshot inside the server; `from-scratch`: the image initialised new data. */
  method: 'snapshot' | 'from-scratch' | 'declined';
  snapshot: string;
  databases: string[];
  /** Running dependents restarted because they declare `restart: true` on the service. */
  restarted: string[];
  /** Redis-like services emptied (--redis). */
  flushed: string[];
  /** The service's x-devstack.reset.run commands, as they ran. */
  hooks: HookRun[];
  elapsedMs: number;
}

export async function resetDb(req: ResetDbRequest, deps: ResetDbDeps): Promise<ResetDbResult> {
  const started = Date.now();
  if (req.to !== undefined) assertSnapshotName(req.to, { saving: false });
  const { service, container } = await runningPostgres(req, deps.engine);
  const name = service.name;
  const done = (method: ResetDbResult['method'], snapshot: string, databases: string[], after: AfterReset = { restarted: [], flushed: [], hooks: [] }): ResetDbResult => ({
    service: name,
    method,
    snapshot,
    databases,
    ...after,
    elapsedMs: Date.now() - started,
  });
  const hooks = service.devstack.reset?.run ?? [];
  const restartTheDependents = (state: string) => afterReset(req, deps, name, hooks, state);
  const alsoRedis = req.redis ? ' Each Redis-like service is emptied too (FLUSHALL).' : '';

  const admin = await deps.openPostgresAdmin(container, req.project.name, req.signal);
  let reinitialise: string | undefined;
  try {
    const { snapshots } = await readSnapshots(admin);
    const wanted = req.to ?? FRESH_SNAPSHOT;
    const snapshot = snapshots.get(wanted);
    if (req.to !== undefined && !snapshot) throw noSuchSnapshot(req.to, name, snapshots);
    if (req.to === undefined) {
      const fingerprint = await fingerprintOf(container, service, deps);
      if (req.fromScratch) reinitialise = '--from-scratch';
      else if (!snapshot) reinitialise = 'no fresh baseline yet';
      else if (snapshot.fingerprint !== fingerprint) reinitialise = 'the configuration, image or init scripts changed since the baseline';
    }
    if (snapshot && reinitialise === undefined) {
      const databases = snapshot.databases.map((d) => d.database);
      if (!(await req.confirm(`Replace ${databases.join(', ')} of ${name} with snapshot ${wanted}? Their current data is lost.${alsoRedis}`))) {
        return done('declined', wanted, []);
      }
      await restoreSnapshot(admin, snapshot);
      req.onEvent({ type: 'notice', level: 'info', service: name, message: `${name}: restored snapshot ${wanted} (${databases.length} databases) in ${Date.now() - started} ms` });
      return done('snapshot', wanted, databases, await restartTheDependents(`${name} is restored from snapshot ${wanted}`));
    }
  } finally {
    await admin.close();
  }

  const dataVolume = await ownedDataVolume(req, deps, service, container);
  const what = dataVolume ? `volume ${dataVolume}` : 'its container';
  if (!(await req.confirm(`Delete all data of ${name} (${what}) and initialise it again?${alsoRedis}`))) return done('declined', FRESH_SNAPSHOT, []);
  req.onEvent({ type: 'notice', level: 'info', service: name, message: `${name}: initialising from scratch (${reinitialise}); removing ${what}` });
  // An anonymous data volume (one a recreate handed over by name too) goes with the container; a named one is removed by name (other anonymous volumes then stay).
  if (dataVolume === undefined) await removeWithAnonymousVolumes(deps.engine, container.id, req.onEvent);
  else await deps.engine.removeContainer(container.id, { force: true, removeVolumes: false });
  if (dataVolume) await deps.engine.removeVolume(dataVolume);
  const [{ up }, upDeps] = await Promise.all([import('./up.js'), deps.upDeps()]);
  await up(
    nestedUpRequest(req.project, [name], { ...req, strictPorts: false }),
    { engine: deps.engine, ...upDeps },
  );
  const fresh = await runningPostgres(req, deps.engine);
  const freshAdmin = await deps.openPostgresAdmin(fresh.container, req.project.name, req.signal);
  try {
    const baseline = await saveSnapshot(freshAdmin, FRESH_SNAPSHOT, await fingerprintOf(fresh.container, service, deps));
    req.onEvent({
      type: 'notice',
      level: 'info',
      service: name,
      message: `${name}: initialised from scratch in ${Date.now() - started} ms; saved the ${FRESH_SNAPSHOT} baseline, so the next reset-db copies it`,
    });
    return done('from-scratch', FRESH_SNAPSHOT, baseline.databases.map((d) => d.database), await restartTheDependents(`${name} is initialised from scratch`));
  } finally {
    await freshAdmin.close();
  }
}

interface AfterReset {
  restarted: string[];
  flushed: string[];
  hooks: HookRun[];
}

/**
 * After the data is reset: empties Redis (--redis), restarts the dependents that ask for it (`restart: true`) and
 * says which others kept running on the new data, then runs the reset hooks.
 */
async function afterReset(req: ResetDbRequest, deps: ResetDbDeps, service: string, hooks: ResetHook[], state: string): Promise<AfterReset> {
  const flushed = req.redis ? await flushRedis(req, deps.engine) : [];
  const { restarted, notRestarted } = await restartDependents(deps.engine, { ...req, service, because: 'had its data reset' });
  if (notRestarted.length > 0 && hooks.length === 0) {
    req.onEvent({
      type: 'notice',
      level: 'info',
      service,
      message: `${notRestarted.join(', ')} kept running on the reset data; one that sets up the database when it starts (migrations) needs a restart: add \`restart: true\` to its \`depends_on: { ${service}: ... }\` and reset-db restarts it, or run its migrations with x-devstack: { reset: { run: [{ service: NAME, command: npm run migrate }] } } on ${service}`,
    });
  }
  const ran = await runResetHooks({ ...req, hooks, state: `${state}${flushed.length > 0 ? `, ${flushed.join(', ')} emptied` : ''}` }, deps.engine);
  return { restarted, flushed, hooks: ran };
}

/**
 * The named volume that holds PGDATA, when this project owns it (labels); undefined when the data lives in an
 * anonymous volume or the container itself (both go with the container). Host folders and volumes of other
 * projects are not devstack's to delete: refused.
 */
async function ownedDataVolume(req: ResetDbRequest, deps: ResetDbDeps, service: ServiceConfig, container: ContainerDetails): Promise<string | undefined> {
  const pgdata = container.env.PGDATA || DEFAULT_PGDATA;
  const mount = dataMountOf(container.mounts ?? [], pgdata);
  if (!mount || mount.type === 'tmpfs') return undefined;
  const hint = `Delete it yourself and run \`devstack up ${service.name}\`; or save a snapshot once the data is as you want it (\`devstack snapshot-db NAME\`) and reset to it with \`devstack reset-db --to NAME\`.`;
  if (mount.type === 'bind') {
    throw new DevstackError('usage', `${service.name} keeps its data in the host folder ${mount.source}; devstack does not delete host folders.`, { hint });
  }
  const volume = mount.name ?? mount.source;
  if (/^[0-9a-f]{64}$/.test(volume)) return undefined;
  const owned = await deps.engine.listProjectVolumes(req.project.name);
  if (!owned.some((v) => v.name === volume)) {
    throw new DevstackError('usage', `${service.name} keeps its data in volume ${volume}, which project ${req.project.name} does not own (external, or another project's).`, { hint });
  }
  return volume;
}

/** What the server's data was initialised from: the service's configuration, its image and its init scripts. */
async function fingerprintOf(container: ContainerDetails, service: ServiceConfig, deps: ResetDbDeps): Promise<string> {
  const bound = (container.mounts ?? []).filter((m) => m.type === 'bind' && isInitScriptsMount(m.target)).map((m) => m.source);
  // On a remote engine they are carried in a project volume or copied in (remote-bind-volumes.ts), not bound:
  // the service's own bind mounts name them.
  const carried = service.volumes.flatMap((v) => (v.type === 'bind' && isInitScriptsMount(v.target) ? [v.source] : []));
  const initScripts = [...new Set([...bound, ...carried])].sort();
  const parts = {
    config: container.labels[LABEL.configHash] ?? '',
    image: container.imageId ?? container.image,
    initScripts: initScripts.length > 0 ? await deps.digestHostPaths(initScripts) : '',
  };
  return createHash('sha256').update(stableJson(parts)).digest('hex').slice(0, 32);
}
