// The file-watch port: what `watch` needs from the file system side (a watcher over the rules' paths,
// and per rule the state of what was copied into the container). src/engine/watch implements it; the
// composition root passes it in, so the watch use case never imports the engine.
import type { ContainerLifecyclePort, ExecPort } from './engine.js';
import type { EventSink } from './events.js';
import type { ServiceConfig, WatchRule } from './model.js';

export type FileChangeKind = 'upsert' | 'delete';

/** Path → its final kind in the batch, in first-seen order. */
export type FileChangeBatch = Map<string, FileChangeKind>;

/** One `develop.watch` rule of one service, with what it has synced so far. */
export interface RuleSyncHandle {
  readonly service: string;
  readonly rule: WatchRule;
  /** Records what the host has now, or syncs it all (initial_sync). */
  start(signal: AbortSignal, emit?: EventSink): Promise<void>;
  /** Takes the batch's changes the rule cares about; true when there were any. */
  take(batch: FileChangeBatch, isDir: (p: string) => boolean): boolean;
  /** Forgets the taken changes (a rebuild made them moot). */
  drop(): void;
  /** Applies the rule's action (copy, restart, exec) to the taken changes. */
  apply(emit: EventSink): Promise<void>;
  /** Compares the whole rule path with what was synced and syncs the difference (after a watcher error). */
  catchUp(emit: EventSink, signal: AbortSignal): Promise<void>;
}

export interface RuleSyncRequest {
  service: ServiceConfig;
  rule: WatchRule;
  /** Copies into the container, runs sync+exec commands, restarts it. */
  engine: ExecPort & ContainerLifecyclePort;
  findContainer: (service: string) => Promise<string | undefined>;
  /** Every running container of the service, replica 1 first (a scaled service has several). */
  findReplicas?: (service: string) => Promise<string[]>;
  /** false: a bind mount already shows the rule's path in the container; nothing is copied. */
  copy: boolean;
  stopTimeoutS: number;
  /** The folder whose .dockerignore leaves files out (a bind-mounted folder kept in sync); default: the build context's. */
  dockerignoreDir?: string;
}

export interface ChangeWatchRequest {
  /** Handles made by the same port's `createRuleSync`. */
  rules: readonly RuleSyncHandle[];
  /** Further files watched as they are (compose files, .env). */
  files: string[];
  /** A batch of changes, once they settle; isDir tells folders created in it. */
  onBatch: (batch: FileChangeBatch, isDir: (p: string) => boolean) => void;
  /** A watcher problem with its fix; watching goes on. */
  onWarning: (message: string) => void;
  /** After a watcher error: the caller catches up by comparing. */
  onError: () => void;
}

export interface ChangeWatch {
  /** Resolves once events are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface FileWatchPort {
  createRuleSync(req: RuleSyncRequest): Promise<RuleSyncHandle>;
  watchChanges(req: ChangeWatchRequest): ChangeWatch;
}
