// dockerode / docker-modem failures → DevstackError values a person can act on.
import { DevstackError, HostPortTaken, isDevstackError } from '../../core/errors.js';

interface ModemError {
  statusCode?: number;
  code?: string;
  name?: string;
  message?: string;
  json?: unknown;
}

const START_HINT = 'Start Docker (on Debian: sudo dockerd &, or systemctl start docker), or set DOCKER_HOST.';
const PERMISSION_HINT =
  'Add your user to the docker group (sudo usermod -aG docker $USER, then log in again), or run devstack with sudo.';

const UNREACHABLE_CODES: Record<string, string> = {
  ENOENT: 'no such socket',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function asModemError(err: unknown): ModemError {
  return typeof err === 'object' && err !== null ? (err as ModemError) : { message: String(err) };
}

export function statusCodeOf(err: unknown): number | undefined {
  return asModemError(err).statusCode;
}

export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404 || (isDevstackError(err) && err.kind === 'not-found');
}

/** A connection-level failure (no engine, no permission), as a short reason; undefined for anything else. */
export function connectionFailureReason(err: unknown): string | undefined {
  const code = asModemError(err).code;
  return code === undefined ? undefined : UNREACHABLE_CODES[code];
}

export function unreachableError(address: string, reason: string, cause?: unknown): DevstackError {
  const hint = reason === 'permission denied' ? PERMISSION_HINT : START_HINT;
  return new DevstackError('engine-unreachable', `Cannot reach a Docker Engine at ${address} (${reason})`, {
    hint,
    cause,
  });
}

/** The engine's own words: its JSON `message`, or the modem text without its "(HTTP code N) reason - " prefix. */
export function engineMessage(err: unknown): string {
  const e = asModemError(err);
  const json = e.json as { message?: unknown } | null | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message.trim();
  const text = (e.message ?? String(err)).trim();
  return text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

export function isPortConflict(message: string): boolean {
  return /port is already allocated|address already in use/i.test(message);
}

/**
 * The host port in the engine's words for a taken port: "Bind for 127.0.0.1:5432 failed: port is already allocated"
 * (another container) or "listen tcp4 0.0.0.0:5432: bind: address already in use" (another process).
 */
export function takenHostPort(message: string): number | undefined {
  const m = /(?:Bind for |listen (?:tcp|udp)[46]? )(\S+):(\d{1,5})\b/.exec(message);
  return m ? Number(m[2]) : undefined;
}

/**
 * Maps any failure of an engine call to a DevstackError. `what` says what devstack was doing
 * ("create container web-1"); `address` names the engine for connection failures.
 */
export function toDevstackError(err: unknown, what: string, address: string): DevstackError {
  if (isDevstackError(err)) return err;
  const e = asModemError(err);
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') {
    return new DevstackError('interrupted', `${what}: interrupted`, { cause: err });
  }
  const reason = connectionFailureReason(err);
  if (reason !== undefined && e.statusCode === undefined) return unreachableError(address, reason, err);

  const message = engineMessage(err);
  if (isPortConflict(message)) {
    return new HostPortTaken(`${what}: ${message}`, takenHostPort(message), {
      hint: 'Another process or container holds that host port; pick another port or stop the other one.',
      cause: err,
    });
  }
  if (/bind source path does not exist/i.test(message)) {
    return new DevstackError('compose', `${what}: ${message}`, {
      hint: 'Create that folder, or let the engine create it: drop `create_host_path: false` from the bind mount.',
      cause: err,
    });
  }
  if (e.statusCode === 404) return new DevstackError('not-found', `${what}: ${message}`, { cause: err });
  return new DevstackError('engine', `${what}: ${message}`, { cause: err });
}
