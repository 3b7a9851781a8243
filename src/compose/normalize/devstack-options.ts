// The `x-devstack` service extension: { ready: <spec>, timeout: <duration>, reset: { run: [{ service, command }] } }.
import type { DevstackServiceOptions, ReadySpec, ResetHook } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';
import { commandOf } from './command.js';
import { composeDurationMs } from '../../core/durations.js';

export const READY_FORMS = [
  'postgres',
  'redis',
  'http:/path',
  'http:/path:200',
  'tcp',
  'tcp:5432',
  'log:REGEX',
  'healthcheck',
  'none',
];

/** A bad x-devstack value; `node` is where it was written. */
export class DevstackOptionError extends Error {
  constructor(
    message: string,
    readonly node: Node,
    /** The key under x-devstack the message is about, if any. */
    readonly key?: string,
  ) {
    super(message);
  }
}

export function parseDevstackOptions(node: Node | undefined): DevstackServiceOptions {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return {};
  if (!isMap(node)) throw new DevstackOptionError('x-devstack must be a mapping like { ready: postgres, timeout: 30s }', node);
  for (const [key, entry] of node.entries) {
    if (key !== 'ready' && key !== 'timeout' && key !== 'reset') {
      throw new DevstackOptionError(`unknown key "${key}"; expected ready, timeout or reset`, entry.value);
    }
  }
  const options: DevstackServiceOptions = {};
  const ready = child(node, 'ready');
  if (ready !== undefined) options.ready = parseReadySpec(ready);
  const timeout = child(node, 'timeout');
  if (timeout !== undefined) {
    const ms = composeDurationMs(scalarText(timeout) ?? '');
    if (ms === undefined) throw new DevstackOptionError(`invalid duration ${JSON.stringify(scalarText(timeout) ?? null)}; e.g. 30s, 2m`, timeout, 'timeout');
    options.timeoutMs = ms;
  }
  const reset = child(node, 'reset');
  if (reset !== undefined) options.reset = { run: parseResetHooks(reset) };
  return options;
}

const RESET_FORM = 'reset: { run: [{ service: backend, command: npm run migrate }] }';

function parseResetHooks(node: Node): ResetHook[] {
  if (!isMap(node)) throw new DevstackOptionError(`reset must be a mapping like ${RESET_FORM}`, node, 'reset');
  for (const [key, entry] of node.entries) {
    if (key !== 'run') throw new DevstackOptionError(`unknown key "${key}" under reset; expected run`, entry.value, 'reset');
  }
  const run = child(node, 'run');
  if (run === undefined) return [];
  if (!isSeq(run)) throw new DevstackOptionError(`reset.run must be a list like [{ service: backend, command: npm run migrate }]`, run, 'reset');
  return run.items.map((item): ResetHook => {
    if (!isMap(item)) throw new DevstackOptionError(`each reset.run entry is a mapping { service: NAME, command: COMMAND }`, item, 'reset');
    for (const [key, entry] of item.entries) {
      if (key !== 'service' && key !== 'command') throw new DevstackOptionError(`unknown key "${key}" in a reset.run entry; expected service and command`, entry.value, 'reset');
    }
    const service = scalarText(child(item, 'service'));
    const command = commandOf(child(item, 'command'));
    if (!service) throw new DevstackOptionError('a reset.run entry needs service: the running service that runs the command', item, 'reset');
    if (!command || command.length === 0) throw new DevstackOptionError('a reset.run entry needs command: what to run (npm run migrate)', item, 'reset');
    return { service, command, source: item.loc };
  });
}

function parseReadySpec(node: Node): ReadySpec {
  const text = node.kind === 'scalar' ? (scalarText(node) ?? '') : '';
  const spec = readySpecOf(text);
  if (spec === undefined) {
    throw new DevstackOptionError(`invalid value ${JSON.stringify(text)}; valid forms: ${READY_FORMS.join(', ')}`, node, 'ready');
  }
  return spec;
}

function readySpecOf(text: string): ReadySpec | undefined {
  if (text === 'postgres' || text === 'redis' || text === 'healthcheck' || text === 'none' || text === 'tcp') return { kind: text };
  const tcp = /^tcp:(\d+)$/.exec(text);
  if (tcp) {
    const port = Number(tcp[1]);
    return port >= 1 && port <= 65535 ? { kind: 'tcp', port } : undefined;
  }
  const http = /^http:(\/[^:\s]*)(?::(\d{3}))?$/.exec(text);
  if (http) return { kind: 'http', path: http[1]!, ...(http[2] === undefined ? {} : { status: Number(http[2]) }) };
  if (text.startsWith('log:') && text.length > 4) {
    const pattern = text.slice(4);
    try {
      new RegExp(pattern);
    } catch {
      return undefined;
    }
    return { kind: 'log', pattern };
  }
  return undefined;
}
