// Where the Docker Engine is, as an address: unix://, tcp:// (TLS via DOCKER_TLS_VERIFY / DOCKER_CERT_PATH or a
// context's TLS files) or ssh://[user@]host[:port]. Parsing is pure; connecting builds the dockerode client.
// Which address applies (--context, DOCKER_HOST, DOCKER_CONTEXT, the current context) is engine-choice.ts.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { DockerodeClass } from './dockerode-module.js';
import { DevstackError } from '../../core/errors.js';
import { sshDialAgent } from './ssh-stdio.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; address: string }
  | {
      kind: 'tcp';
      host: string;
      port: number;
      tls: boolean;
      certPath?: string;
      /** A context's TLS folder may hold only some of ca.pem, cert.pem, key.pem. */
      certFilesOptional?: boolean;
      skipTlsVerify?: boolean;
      address: string;
    }
  | { kind: 'ssh'; host: string; user?: string; port?: number; socketPath?: string; sshOptions?: string[]; address: string };

const HOST_HINT = 'Use DOCKER_HOST=unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host, or unset it.';

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== '0';
}

/** Reads DOCKER_HOST and friends from `env`; throws 'engine-unreachable' for an address we cannot use. */
export function parseDockerHost(env: Record<string, string | undefined>): DockerEndpoint {
  const raw = (env.DOCKER_HOST ?? '').trim();
  if (raw === '') return { kind: 'unix', socketPath: DEFAULT_SOCKET, address: `unix://${DEFAULT_SOCKET}` };
  const tls = isSet(env.DOCKER_TLS_VERIFY);
  const home = env.HOME ?? env.USERPROFILE;
  const certPath = isSet(env.DOCKER_CERT_PATH) ? env.DOCKER_CERT_PATH : tls && home ? path.join(home, '.docker') : undefined;
  return parseEngineAddress(raw, { tls, ...(certPath ? { certPath } : {}) }, `DOCKER_HOST=${raw}`);
}

/** One engine address; `tls` says how a tcp:// address is secured; `what` names where it came from. */
export function parseEngineAddress(
  raw: string,
  tls: { tls: boolean; certPath?: string; certFilesOptional?: boolean; skipTlsVerify?: boolean },
  what: string,
): DockerEndpoint {
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length) || DEFAULT_SOCKET;
    return { kind: 'unix', socketPath, address: `unix://${socketPath}` };
  }

  const withScheme = raw.includes('://') ? raw : `tcp://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badHost(what, 'it is not a valid address');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw badHost(what, 'it names no host');

  if (url.protocol === 'ssh:') {
    if (url.password !== '') throw badHost(what, 'ssh:// addresses take no password; use a key or an ssh agent');
    const user = decodeURIComponent(url.username);
    const port = url.port === '' ? undefined : Number(url.port);
    const socketPath = url.pathname !== '' && url.pathname !== '/' ? url.pathname : undefined;
    const address = `ssh://${user ? `${user}@` : ''}${url.hostname}${port === undefined ? '' : `:${port}`}${socketPath ?? ''}`;
    return { kind: 'ssh', host, address, ...(user ? { user } : {}), ...(port === undefined ? {} : { port }), ...(socketPath ? { socketPath } : {}) };
  }
  if (url.protocol !== 'tcp:') throw badHost(what, `devstack cannot connect through ${url.protocol}// addresses`);

  const secure = tls.tls || tls.skipTlsVerify === true;
  const port = url.port === '' ? (secure ? 2376 : 2375) : Number(url.port);
  const address = `tcp://${url.hostname}:${port}`;
  return {
    kind: 'tcp',
    host,
    port,
    tls: secure,
    address,
    ...(secure && tls.certPath ? { certPath: tls.certPath } : {}),
    ...(secure && tls.certFilesOptional ? { certFilesOptional: true } : {}),
    ...(tls.skipTlsVerify ? { skipTlsVerify: true } : {}),
  };
}

function badHost(what: string, why: string): DevstackError {
  return new DevstackError('engine-unreachable', `${what} cannot be used: ${why}`, { hint: HOST_HINT });
}

function readCert(certPath: string, file: string, optional: boolean): Buffer | undefined {
  const full = path.join(certPath, file);
  if (optional && !existsSync(full)) return undefined;
  try {
    return readFileSync(full);
  } catch (e) {
    throw new DevstackError('engine-unreachable', `Cannot read the Docker TLS file ${full}`, {
      hint: 'Set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY.',
      cause: e,
    });
  }
}

/** docker-modem takes an http(s).Agent for its requests; @types/dockerode does not list it. */
type ModemOptions = Dockerode.DockerOptions & { agent?: http.Agent };

/** The dockerode options for an endpoint. Every connection key is set, so process.env cannot override `env`. */
/**
 * Requests to a unix socket: the settings of Node's global agent (which they would use otherwise), plus an empty
 * TLS server name. Without one, Node derives it from the Host header for each request and tests whether that is
 * an IP address; the IPv6 test's first runs cost ~6 ms of a short command's start-up. No TLS here, so no change.
 */
let unixSocketAgent: http.Agent | undefined;

export function dockerodeOptions(endpoint: DockerEndpoint): ModemOptions {
  if (endpoint.kind === 'unix') {
    unixSocketAgent ??= new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000, servername: '' } as http.AgentOptions);
    return { socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: 'http', agent: unixSocketAgent };
  }
  if (endpoint.kind === 'ssh') {
    // HTTP over `ssh … docker system dial-stdio`, one ssh child per connection (see ssh-stdio.ts).
    return { socketPath: undefined, host: 'docker', port: 80, protocol: 'http', agent: sshDialAgent(endpoint) };
  }
  const base: Dockerode.DockerOptions = {
    socketPath: undefined,
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.tls ? 'https' : 'http',
  };
  if (!endpoint.tls) return base;
  // A context made with --docker skip-tls-verify=true: TLS without checking the server's certificate.
  const verify: Partial<ModemOptions> = endpoint.skipTlsVerify ? { agent: new https.Agent({ rejectUnauthorized: false }) } : {};
  if (!endpoint.certPath) return { ...base, ...verify };
  const optional = endpoint.certFilesOptional === true;
  const files = {
    ca: readCert(endpoint.certPath, 'ca.pem', optional),
    cert: readCert(endpoint.certPath, 'cert.pem', optional),
    key: readCert(endpoint.certPath, 'key.pem', optional),
  };
  return {
    ...base,
    ...verify,
    ...(files.ca ? { ca: files.ca } : {}),
    ...(files.cert ? { cert: files.cert } : {}),
    ...(files.key ? { key: files.key } : {}),
  };
}

export function connectDocker(env: Record<string, string | undefined>): Dockerode {
  return new DockerodeClass(dockerodeOptions(parseDockerHost(env)));
}
