// Errors a person can act on: what went wrong, where, and how to fix it.
// They are values (kind + location + hint); the CLI maps kind to an exit code in one place.
import type { SourceLocation } from './model.js';

export type ErrorKind =
  | 'usage' // bad flags or arguments
  | 'compose' // a compose file or .env is wrong
  | 'engine-unreachable' // no Docker Engine answers, or permission denied
  | 'engine' // the engine refused something
  | 'service-failed' // a service failed to build, start or become ready
  | 'timeout' // a wait ran past its limit
  | 'interrupted' // Ctrl-C
  | 'port' // a host port is taken and remapping is off
  | 'not-found' // an unknown service, container or project
  | 'database' // the database server refused an operation (reset-db, snapshot-db)
  | 'internal'; // a bug in devstack

export interface ComposeIssue {
  location: SourceLocation;
  message: string;
}

export class DevstackError extends Error {
  readonly kind: ErrorKind;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;
  /** Further lines shown under the message (log tail, health log, ...). */
  readonly details: string[];

  constructor(
    kind: ErrorKind,
    message: string,
    opts: { location?: SourceLocation; hint?: string; details?: string[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DevstackError';
    this.kind = kind;
    this.location = opts.location;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }
}

/** One or more located problems in compose files; all of them, not just the first. */
export class ComposeError extends DevstackError {
  readonly issues: ComposeIssue[];

  constructor(issues: ComposeIssue[], hint?: string) {
    const first = issues[0];
    super('compose', issues.map((i) => `${formatLocation(i.location)}: ${i.message}`).join('\n'), {
      ...(first ? { location: first.location } : {}),
      ...(hint ? { hint } : {}),
    });
    this.name = 'ComposeError';
    this.issues = issues;
  }
}

/**
 * A bind mount whose host path is missing and may not be created (`bind.create_host_path: false`): the compose
 * file's fault, located at that mount's entry once the caller knows which one names `hostPath`.
 */
export class MissingBindSource extends DevstackError {
  readonly hostPath: string | undefined;

  constructor(message: string, hostPath: string | undefined, opts: { location?: SourceLocation; hint?: string; cause?: unknown } = {}) {
    super('compose', message, opts);
    this.name = 'MissingBindSource';
    this.hostPath = hostPath;
  }
}

/** A host port another process or container holds: the port, when the engine names it (a start can race for it). */
export class HostPortTaken extends DevstackError {
  readonly hostPort: number | undefined;

  constructor(message: string, hostPort: number | undefined, opts: { hint?: string; cause?: unknown } = {}) {
    super('port', message, opts);
    this.name = 'HostPortTaken';
    this.hostPort = hostPort;
  }
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

export function isDevstackError(e: unknown): e is DevstackError {
  return e instanceof DevstackError;
}
