// Which engine devstack talks to, decided the way the docker CLI (28) decides it:
//   --context NAME  >  DOCKER_HOST  >  DOCKER_CONTEXT  >  currentContext in $DOCKER_CONFIG/config.json  >  default.
// (DOCKER_HOST wins over DOCKER_CONTEXT in the docker CLI too; devstack says so instead of ignoring it silently.)
// Contexts are read from the CLI's own store, so `docker context create` is all it takes:
//   $DOCKER_CONFIG/contexts/meta/<sha256 of name>/meta.json and contexts/tls/<sha256 of name>/docker/*.pem.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DevstackError } from '../../core/errors.js';
import { parseDockerHost, parseEngineAddress, type DockerEndpoint } from './connect.js';
import { sshMultiplexing } from './ssh-stdio.js';

export type EngineSource = '--context' | 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'current context' | 'default';

export interface EngineChoice {
  endpoint: DockerEndpoint;
  source: EngineSource;
  /** The context's name, when a context was used. */
  context?: string;
  /** A setting the choice overrode, said once (e.g. DOCKER_CONTEXT while DOCKER_HOST is set). */
  overridden?: string;
}

export interface ChooseEngineInput {
  env: Record<string, string | undefined>;
  /** The --context flag. */
  contextFlag?: string | undefined;
  /** Reads a file, undefined when it does not exist (tests pass their own). */
  readFile?: (file: string) => string | undefined;
  exists?: (file: string) => boolean;
}

const DEFAULT_CONTEXT = 'default';

export function dockerConfigDir(env: Record<string, string | undefined>): string {
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  return path.join(env.HOME ?? homedir(), '.docker');
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function chooseEngine(input: ChooseEngineInput): EngineChoice {
  const choice = chooseEndpoint(input);
  if (choice.endpoint.kind !== 'ssh') return choice;
  return { ...choice, endpoint: { ...choice.endpoint, sshOptions: sshMultiplexing(input.env, dockerConfigDir(input.env)) } };
}

function chooseEndpoint(input: ChooseEngineInput): EngineChoice {
  const { env } = input;
  const readFile = input.readFile ?? readIfExists;
  const exists = input.exists ?? existsSync;
  const configDir = dockerConfigDir(env);
  const hostSet = (env.DOCKER_HOST ?? '').trim() !== '';
  const envContext = (env.DOCKER_CONTEXT ?? '').trim();

  const flag = input.contextFlag?.trim();
  if (flag) return fromContext(flag, '--context');
  if (hostSet) {
    return {
      endpoint: parseDockerHost(env),
      source: 'DOCKER_HOST',
      ...(envContext !== '' && envContext !== DEFAULT_CONTEXT
        ? { overridden: `DOCKER_CONTEXT=${envContext} is not used: DOCKER_HOST is set and wins, as with the docker CLI` }
        : {}),
    };
  }
  if (envContext !== '') return fromContext(envContext, 'DOCKER_CONTEXT');
  const current = currentContext(configDir, readFile);
  if (current) return fromContext(current, 'current context');
  return { endpoint: parseDockerHost(env), source: 'default' };

  function fromContext(name: string, source: EngineSource): EngineChoice {
    if (name === DEFAULT_CONTEXT) return { endpoint: parseDockerHost(env), source, context: name };
    const id = contextId(name);
    const metaFile = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
    const text = readFile(metaFile);
    const where = source === 'current context' ? `currentContext in ${path.join(configDir, 'config.json')}` : source;
    if (text === undefined) {
      throw new DevstackError('engine-unreachable', `Docker context "${name}" (from ${where}) does not exist in ${path.join(configDir, 'contexts')}`, {
        hint: `\`docker context ls\` lists the contexts; make one with \`docker context create ${name} --docker host=ssh://user@host\`.`,
      });
    }
    const host = contextHost(text, metaFile, name);
    const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
    const hasTls = exists(tlsDir);
    const endpoint = parseEngineAddress(
      host.host,
      { tls: hasTls, ...(hasTls ? { certPath: tlsDir, certFilesOptional: true } : {}), ...(host.skipTlsVerify ? { skipTlsVerify: true } : {}) },
      `Docker context "${name}" (host ${host.host})`,
    );
    return { endpoint, source, context: name };
  }
}

function currentContext(configDir: string, readFile: (file: string) => string | undefined): string | undefined {
  const file = path.join(configDir, 'config.json');
  const text = readFile(file);
  if (text === undefined) return undefined;
  try {
    const value = (JSON.parse(text) as { currentContext?: unknown }).currentContext;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  } catch (e) {
    throw new DevstackError('engine-unreachable', `${file} is not valid JSON, so the current Docker context cannot be read`, {
      hint: 'Fix the file (the docker CLI cannot read it either), or set DOCKER_HOST.',
      cause: e,
    });
  }
}

function contextHost(text: string, metaFile: string, name: string): { host: string; skipTlsVerify: boolean } {
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(text) as typeof meta;
  } catch (e) {
    throw new DevstackError('engine-unreachable', `Docker context "${name}": ${metaFile} is not valid JSON`, {
      hint: `Remove and make the context again (\`docker context rm ${name}\`, \`docker context create ${name} …\`).`,
      cause: e,
    });
  }
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') {
    throw new DevstackError('engine-unreachable', `Docker context "${name}" has no docker endpoint (${metaFile})`, {
      hint: `Give it one: \`docker context update ${name} --docker host=ssh://user@host\`.`,
    });
  }
  return { host: docker.Host, skipTlsVerify: docker.SkipTLSVerify === true };
}

/** "context devbox (from DOCKER_CONTEXT) → ssh://dev@10.0.0.5", "DOCKER_HOST → tcp://…", "default → unix://…". */
export function describeEngineChoice(choice: EngineChoice): string {
  const from = choice.context ? `context ${choice.context} (from ${choice.source})` : choice.source;
  return `${from} → ${choice.endpoint.address}`;
}
