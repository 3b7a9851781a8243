// Where the Docker Engine is: DOCKER_HOST (unix:// or tcp://, TLS via DOCKER_TLS_VERIFY / DOCKER_CERT_PATH)
// or the default socket. Parsing is pure; connecting builds the dockerode client.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { DockerodeClass } from './dockerode-module.js';
import { DevstackError } from '../../core/errors.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; address: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean; certPath?: string; address: string };

const HOST_HINT = 'Use DOCKER_HOST=unix:///var/run/docker.sock or DOCKER_HOST=tcp://host:2375, or unset it.';

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== '0';
}

/** Reads DOCKER_HOST and friends from `env`; throws 'engine-unreachable' for an address we cannot use. */
export function parseDockerHost(env: Record<string, string | undefined>): DockerEndpoint {
  const raw = (env.DOCKER_HOST ?? '').trim();
  if (raw === '') return { kind: 'unix', socketPath: DEFAULT_SOCKET, address: `unix://${DEFAULT_SOCKET}` };

  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length) || DEFAULT_SOCKET;
    return { kind: 'unix', socketPath, address: `unix://${socketPath}` };
  }

  const withScheme = raw.includes('://') ? raw : `tcp://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badHost(raw, 'it is not a valid address');
  }
  if (url.protocol !== 'tcp:') throw badHost(raw, `devstack cannot connect through ${url.protocol}// addresses`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw badHost(raw, 'it names no host');

  const tls = isSet(env.DOCKER_TLS_VERIFY);
  const port = url.port === '' ? (tls ? 2376 : 2375) : Number(url.port);
  const home = env.HOME ?? env.USERPROFILE;
  const certPath = isSet(env.DOCKER_CERT_PATH) ? env.DOCKER_CERT_PATH : tls && home ? path.join(home, '.docker') : undefined;
  const address = `tcp://${url.hostname}:${port}`;
  return { kind: 'tcp', host, port, tls, address, ...(tls && certPath ? { certPath } : {}) };
}

function badHost(raw: string, why: string): DevstackError {
  return new DevstackError('engine-unreachable', `DOCKER_HOST=${raw} cannot be used: ${why}`, { hint: HOST_HINT });
}

function readCert(certPath: string, file: string): Buffer {
  const full = path.join(certPath, file);
  try {
    return readFileSync(full);
  } catch (e) {
    throw new DevstackError('engine-unreachable', `Cannot read the Docker TLS file ${full}`, {
      hint: 'Set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY.',
      cause: e,
    });
  }
}

/** The dockerode options for an endpoint. Every connection key is set, so process.env cannot override `env`. */
export function dockerodeOptions(endpoint: DockerEndpoint): Dockerode.DockerOptions {
  if (endpoint.kind === 'unix') {
    return { socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: 'http' };
  }
  const base: Dockerode.DockerOptions = {
    socketPath: undefined,
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.tls ? 'https' : 'http',
  };
  if (!endpoint.tls || !endpoint.certPath) return base;
  return {
    ...base,
    ca: readCert(endpoint.certPath, 'ca.pem'),
    cert: readCert(endpoint.certPath, 'cert.pem'),
    key: readCert(endpoint.certPath, 'key.pem'),
  };
}

export function connectDocker(env: Record<string, string | undefined>): Dockerode {
  return new DockerodeClass(dockerodeOptions(parseDockerHost(env)));
}
