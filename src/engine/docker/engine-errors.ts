// dockerode / docker-modem failures → DevstackError values a person can act on.
import { DevstackError, HostPortTaken, isDevstackError, MissingBindSource } from '../../core/errors.js';

interface ModemError {
  statusCode?: number;
  code?: string;
  name?: string;
  message?: string;
  json?: unknown;
}

const START_HINT = 'Start Docker (on Debian: sudo dockerd &, or systemctl start docker), or set DOCKER_HOST.';
/** The command that shows what devstack's ssh sees: `ssh -p 2222 dev@box docker version`. */
function sshHint(address: string): string {
  const m = /^ssh:\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/\s]+)(?::(\d+))?/.exec(address);
  const command = m ? `ssh ${m[3] ? `-p ${m[3]} ` : ''}${m[1] ? `${m[1]}@` : ''}${m[2]} docker version` : 'ssh HOST docker version';
  return `Check that \`${command}\` works from this shell without a prompt (key or agent, known_hosts, ~/.ssh/config) and that docker is on the remote PATH.`;
}
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
  const hint = address.startsWith('ssh://') ? sshHint(address) : reason === 'permission denied' ? PERMISSION_HINT : START_HINT;
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
  return firstLine(text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim());
}

const FIRST_LINE_LIMIT = 120;

/** A response body as the modem kept it (parsed JSON, text or bytes), as text. */
function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body);
}

/** The first non-empty line of a body, cut short: an HTML page from a server that is not Docker stays one line. */
export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > FIRST_LINE_LIMIT ? `${line.slice(0, FIRST_LINE_LIMIT)}…` : line;
}

const NOT_DOCKER_HINT =
  'DOCKER_HOST points at a server that is not a Docker Engine: set it to the engine (unix:///var/run/docker.sock, tcp://host:2375), or unset it.';

/** Something answered HTTP at the engine's address, but not as Docker does (`GET /_ping` → 200 "OK"). */
export function notDockerError(address: string, answer: string, cause?: unknown): DevstackError {
  return new DevstackError('engine-unreachable', `Cannot reach a Docker Engine at ${address} (a server answers there, but not Docker: ${answer})`, {
    hint: NOT_DOCKER_HINT,
    cause,
  });
}

/** What a failed ping got back from a server that is not Docker (its HTTP status and first line); undefined otherwise. */
export function nonDockerAnswer(err: unknown): string | undefined {
  const e = asModemError(err);
  if (e.statusCode === undefined || e.statusCode === 500) return undefined; // 500: Docker's own "server error"
  const body = bodyText(e.json);
  const line = firstLine(body) || engineMessage(err);
  return `HTTP ${e.statusCode}${line ? `: ${line}` : ''}`;
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
  const missingBind = /bind source path does not exist(?::\s*(\S.*?))?\s*$/i.exec(message);
  if (missingBind) {
    return new MissingBindSource(`${what}: ${message}`, missingBind[1], {
      hint: 'Create that folder, or let the engine create it: drop `create_host_path: false` from the bind mount.',
      cause: err,
    });
  }
  if (e.statusCode === 404) return new DevstackError('not-found', `${what}: ${message}`, { cause: err });
  return new DevstackError('engine', `${what}: ${message}`, { cause: err });
}
