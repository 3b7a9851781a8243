// One watch rule of one service: the changes it took from batches, what it last synced, and its
// action (copy into the container, then restart or run a command). After each batch a catch-up
// pass rescans the folders the batch touched and syncs whatever differs from what was synced.
import path from 'node:path';
import type { ContainerLifecyclePort, ExecPort } from '../../core/engine.js';
import type { StackEvent } from '../../core/events.js';
import type { ChangeBatch } from './change-batcher.js';
import type { SyncResult } from './container-sync.js';
import { ContainerWriter } from './container-writer.js';
import { diffStamps, scanHostFiles, type FileStamps } from './host-files.js';
import type { WatchRuleMatcher } from './watch-rules.js';

export interface RuleSyncDeps {
  engine: ExecPort & ContainerLifecyclePort;
  findContainer: (service: string) => Promise<string | undefined>;
  /** Every running container of a scaled service (replica 1 first): changes, restarts and commands apply to each. */
  findReplicas?: (service: string) => Promise<string[]>;
  /** false: a bind mount already shows the rule's path in the container; nothing is copied. */
  copy: boolean;
  stopTimeoutS: number;
}

type Emit = (e: StackEvent) => void;

export class RuleSync {
  private synced: FileStamps = new Map();
  private pending: ChangeBatch = new Map();
  private readonly skips: (absPath: string, isDir: boolean) => boolean;
  /** One writer (and sync channel) per container: a scaled service's replicas are written side by side. */
  private readonly writers = new Map<string, ContainerWriter>();
  private closed = false;

  constructor(
    readonly matcher: WatchRuleMatcher,
    private readonly deps: RuleSyncDeps,
  ) {
    this.skips = (p, isDir) => !this.matcher.applies(p, isDir) || this.matcher.skips(p, isDir);
  }

  private writerFor(containerId: string): ContainerWriter {
    let writer = this.writers.get(containerId);
    if (!writer) {
      writer = new ContainerWriter(this.deps.engine);
      if (this.closed) writer.close();
      this.writers.set(containerId, writer);
    }
    return writer;
  }

  private closeWriters(): void {
    this.closed = true;
    for (const writer of this.writers.values()) writer.close();
  }

  /** The service's running containers, replica 1 first; none when it has no running container. */
  private async containers(): Promise<string[]> {
    const service = this.matcher.service;
    if (this.deps.findReplicas) {
      const ids = await this.deps.findReplicas(service);
      if (ids.length > 0) return ids;
    }
    const id = await this.deps.findContainer(service);
    return id === undefined ? [] : [id];
  }

  private get copies(): boolean {
    return this.deps.copy && this.matcher.rule.action !== 'rebuild' && this.matcher.rule.action !== 'restart';
  }

  /**
   * Records what the host has now (taken as what the container has), or syncs it all (initial_sync).
   * `signal` bounds the rule's life: when it aborts, the sync helper in the container is ended.
   */
  async start(signal: AbortSignal, emit?: Emit): Promise<void> {
    if (!this.copies) return;
    if (signal.aborted) this.closeWriters();
    else signal.addEventListener('abort', () => this.closeWriters(), { once: true });
    const preparing = this.prepareWriter();
    const scanned = await scanHostFiles(this.matcher.rule.path, this.skips, { deep: true, signal });
    if (this.matcher.rule.initialSync) {
      this.pending = new Map([...scanned.keys()].map((p) => [p, 'upsert' as const]));
      await this.apply(emit ?? (() => {}), { catchUp: false, quiet: emit === undefined });
    } else {
      this.synced = scanned;
    }
    await preparing;
  }

  /** Starts the sync helper in the running container now, so the first change does not wait for it. */
  private async prepareWriter(): Promise<void> {
    const ids = await this.containers().catch(() => []);
    await Promise.all(ids.map((id) => this.writerFor(id).prepare(id)));
  }

  /** Takes the batch's changes this rule cares about; true when there were any. */
  take(batch: ChangeBatch, isDir: (p: string) => boolean): boolean {
    let took = false;
    for (const [p, kind] of batch) {
      if (!this.matcher.applies(p, kind === 'upsert' && isDir(p))) continue;
      this.pending.set(p, kind);
      took = true;
    }
    return took;
  }

  /** Forgets the taken changes (a rebuild made them moot). */
  drop(): void {
    this.pending = new Map();
  }

  /** Applies the rule's action to the taken changes. */
  async apply(emit: Emit, opts: { catchUp: boolean; quiet?: boolean } = { catchUp: true }): Promise<void> {
    const changes = this.pending;
    this.pending = new Map();
    const service = this.matcher.service;
    const action = this.matcher.rule.action;
    const containerIds = await this.containers();
    if (containerIds.length === 0) {
      emit({ type: 'notice', level: 'warn', service, message: `${service}: no running container; ${changes.size} change(s) not applied` });
      return;
    }
    if (this.copies) {
      await this.copyChanges(containerIds, changes, emit, opts.quiet === true);
      if (opts.catchUp) await this.catchUpTouched(containerIds, changes, emit);
    }
    // A scaled service: each replica is restarted, or runs the command, and is named in the notice.
    const who = (i: number): string => (containerIds.length > 1 ? `${service}-${i + 1}` : service);
    if (action === 'sync+restart' || action === 'restart') {
      await Promise.all(
        containerIds.map(async (id, i) => {
          const started = performance.now();
          await this.deps.engine.restartContainer(id, this.deps.stopTimeoutS);
          emit({ type: 'notice', level: 'info', service, message: `${who(i)}: restarted (${elapsed(started)})` });
        }),
      );
    }
    if (action === 'sync+exec' && this.matcher.rule.exec) {
      const { command, user, workingDir, environment } = this.matcher.rule.exec;
      await Promise.all(
        containerIds.map(async (id, i) => {
          const res = await this.deps.engine.exec(id, command, {
            env: environment,
            ...(user !== undefined ? { user } : {}),
            ...(workingDir !== undefined ? { workingDir } : {}),
          });
          emit({
            type: 'notice',
            level: res.exitCode === 0 ? 'info' : 'warn',
            service,
            message: `${who(i)}: ran ${command.join(' ')} (exit ${res.exitCode})`,
          });
        }),
      );
    }
  }

  /** Rescans the whole rule path and syncs what differs (after a watcher error). */
  async catchUp(emit: Emit, signal: AbortSignal): Promise<void> {
    if (!this.copies) return;
    const scanned = await scanHostFiles(this.matcher.rule.path, this.skips, { deep: true, signal });
    this.pending = diffStamps(this.synced, scanned, { dir: this.matcher.rule.path, deep: true });
    if (this.pending.size > 0) await this.apply(emit, { catchUp: false });
  }

  private async copyChanges(containerIds: string[], changes: ChangeBatch, emit: Emit, quiet: boolean): Promise<void> {
    const upserts: string[] = [];
    const deletes: string[] = [];
    for (const [p, kind] of changes) {
      if (kind === 'upsert') upserts.push(p);
      else if (this.wasSynced(p)) deletes.push(p);
    }
    if (upserts.length === 0 && deletes.length === 0) return;
    const started = performance.now();
    const copies = upserts.map((p) => ({ hostPath: p, containerPath: this.matcher.targetOf(p) }));
    const removals = deletes.map((p) => this.matcher.targetOf(p));
    // Every replica gets the same files; what was synced is taken from replica 1's answer.
    const [result] = (await Promise.all(containerIds.map((id) => this.writerFor(id).sync(id, copies, removals)))) as [SyncResult];
    for (const p of deletes) this.forget(p);
    for (const [p, stamp] of result.copied) this.synced.set(p, stamp);
    if (quiet) return;
    const files = [...result.copied.values()].filter((s) => !s.isDir).length;
    const parts = [files > 0 ? `synced ${files} file${files === 1 ? '' : 's'}` : '', deletes.length > 0 ? `removed ${deletes.length}` : '']
      .filter(Boolean)
      .join(', ');
    if (parts) emit({ type: 'notice', level: 'info', service: this.matcher.service, message: `${this.matcher.service}: ${parts} (${elapsed(started)})` });
  }

  /** Folders the batch touched: each changed path's folder, and new folders in full. */
  private async catchUpTouched(containerIds: string[], changes: ChangeBatch, emit: Emit): Promise<void> {
    const scopes = new Map<string, boolean>();
    for (const [p, kind] of changes) {
      const dir = p === this.matcher.rule.path ? p : path.dirname(p);
      if (!scopes.get(dir)) scopes.set(dir, false);
      if (kind === 'upsert' && this.synced.get(p)?.isDir) scopes.set(p, true);
    }
    const signal = AbortSignal.timeout(10_000);
    const missed: ChangeBatch = new Map();
    for (const [dir, deep] of scopes) {
      if (this.matcher.relativePath(dir) === undefined) continue;
      const scanned = await scanHostFiles(dir, this.skips, { deep, signal });
      for (const [p, kind] of diffStamps(this.synced, scanned, { dir, deep })) missed.set(p, kind);
    }
    if (missed.size > 0) await this.copyChanges(containerIds, missed, emit, false);
  }

  private wasSynced(p: string): boolean {
    if (this.synced.has(p)) return true;
    const prefix = `${p}${path.sep}`;
    for (const known of this.synced.keys()) if (known.startsWith(prefix)) return true;
    return false;
  }

  private forget(p: string): void {
    const prefix = `${p}${path.sep}`;
    for (const known of [...this.synced.keys()]) if (known === p || known.startsWith(prefix)) this.synced.delete(known);
  }
}

function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}
