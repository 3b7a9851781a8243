// The report a developer sees when a service fails: which service, which probe, why, its health log, its last
// log lines, and who was waiting on it.
import type { ContainerQueryPort, EventsLogsPort } from '../core/engine.js';
import { DevstackError, isDevstackError } from '../core/errors.js';
import { maskText, secretValues } from '../core/secret-masking.js';
import type { WaitResult } from '../core/service-wait.js';

const LOG_TAIL_LINES = 30;

export interface FailureContext {
  engine: ContainerQueryPort & EventsLogsPort;
  service: string;
  /** `web-2`: the replica of a scaled service that failed (named in the report; `devstack logs` takes the service). */
  replica?: string;
  containerId?: string;
  /** Services that cannot start because of this one. */
  waiting: string[];
}

export async function lastLogLines(engine: EventsLogsPort, containerId: string, lines: number): Promise<string[]> {
  const out: string[] = [];
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 3000);
  try {
    for await (const rec of engine.logs(containerId, { follow: false, tail: lines, timestamps: false }, ctl.signal)) {
      out.push(rec.text);
    }
  } catch {
    // The log tail is a courtesy; the failure itself is what gets reported.
  } finally {
    clearTimeout(timer);
  }
  return out.slice(-lines);
}

/** The last log lines with the secrets devstack knows of (the container's environment) and token shapes masked. */
async function maskedLastLogLines(engine: ContainerQueryPort & EventsLogsPort, containerId: string): Promise<string[]> {
  const [lines, env] = await Promise.all([
    lastLogLines(engine, containerId, LOG_TAIL_LINES),
    engine.inspectContainer(containerId).then((c) => c.env, () => ({})),
  ]);
  const secrets = secretValues(env);
  return lines.map((line) => maskText(line, secrets));
}

function waitFailureMessage(service: string, r: Extract<WaitResult, { ok: false }>): string {
  const secs = (r.elapsedMs / 1000).toFixed(1);
  switch (r.reason) {
    case 'exited':
      return `${service} exited with code ${r.exitCode ?? '?'} after ${secs}s while waiting for it to be ready (${r.probe})`;
    case 'failed':
      return `${service} finished with exit code ${r.exitCode ?? '?'}, not 0`;
    case 'unhealthy':
      return `${service} is unhealthy after ${secs}s (${r.probe})`;
    case 'timeout':
      return `${service} was not ready within ${secs}s (${r.probe})`;
    case 'aborted':
      return `${service}: interrupted while waiting for it to be ready`;
    case 'restarting':
      return `${service} is crash-looping: the engine restarted it ${r.restarts ?? '?'} times (restart: ${r.restartPolicy ?? '?'}), last exit code ${r.exitCode ?? '?'}; waited ${secs}s`;
    case 'rejected':
      return `${service} answered ${r.lastError ?? 'with a refusal'}; waiting will not change that (${r.probe})`;
  }
}

export async function serviceFailure(ctx: FailureContext, cause: WaitResult | unknown): Promise<DevstackError> {
  const who = ctx.replica ?? ctx.service;
  // The engine stopped answering: that is the failure (exit 4), not the service, and its logs cannot be read.
  if (isDevstackError(cause) && cause.kind === 'engine-unreachable') {
    return new DevstackError('engine-unreachable', `lost the Docker Engine while bringing up ${who}: ${cause.message}`, {
      details: cause.details,
      hint: 'Check that the engine runs (docker info) and run devstack up again; the containers started so far are kept.',
      cause,
    });
  }
  const details: string[] = [];
  let message: string;
  let hint: string | undefined;
  if (isWaitFailure(cause)) {
    // Its hint is written once the log lines are known.
    message = waitFailureMessage(who, cause);
    if (cause.lastError && cause.reason !== 'rejected') details.push(`last probe error: ${maskText(cause.lastError)}`);
    if (cause.healthLog && cause.healthLog.length > 0) {
      details.push('health log:', ...cause.healthLog.map((l) => `  ${maskText(l)}`));
    }
  } else if (isDevstackError(cause)) {
    message = `${who}: ${cause.message}`;
    details.push(...cause.details);
    hint = cause.hint;
  } else {
    message = `${who}: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  if (ctx.waiting.length > 0) details.push(`not started because they depend on it: ${ctx.waiting.sort().join(', ')}`);
  const logs = ctx.containerId ? await maskedLastLogLines(ctx.engine, ctx.containerId) : [];
  if (logs.length > 0) details.push(`last ${logs.length} log lines of ${who}:`, ...logs.map((l) => `  | ${l}`));
  if (isWaitFailure(cause)) hint = cause.hint ?? waitFailureHint(cause.reason, ctx.service, logs.length > 0);
  // A fault of the compose file stays one (exit 3), located where the file says it.
  if (isDevstackError(cause) && cause.kind === 'compose') {
    return new DevstackError('compose', message, { details, ...(hint ? { hint } : {}), ...(cause.location ? { location: cause.location } : {}), cause });
  }
  const kind = isWaitFailure(cause) && cause.reason === 'timeout' ? 'timeout' : 'service-failed';
  return new DevstackError(kind, message, { details, ...(hint ? { hint } : {}), cause });
}

/** Points at what the report shows: the log lines above it, or where to look when there are none. */
function waitFailureHint(reason: Extract<WaitResult, { ok: false }>['reason'], service: string, hasLogs: boolean): string {
  const logs = hasLogs ? 'its log lines above' : `its logs with \`devstack logs ${service}\` (it printed none so far)`;
  if (reason === 'timeout') return `Raise --wait-timeout or x-devstack.timeout if it is just slow, or check ${logs}.`;
  if (reason === 'restarting') return `It exits soon after each start; check ${logs}, fix its command or what it needs, and run devstack up again.`;
  return `Check ${logs}; fix the service and run devstack up again.`;
}

function isWaitFailure(x: unknown): x is Extract<WaitResult, { ok: false }> {
  return typeof x === 'object' && x !== null && 'ok' in x && (x as { ok: unknown }).ok === false;
}
