// Compose reads a file in this order: interpolate, cast each value to its field's type, then validate. So
// `tty: $FLAG`, `retries: ${N}` and YAML 1.1 spellings such as `init: yes` load as a boolean or a number.
// Only string scalars at the fields below are cast; a string that is not of the field's type is a located error
// that names the variables the value came from.
import type { ComposeIssue } from '../core/errors.js';
import type { MapEntry, Node, ScalarNode } from './node.js';
import { formatPath } from './node.js';

type Cast = 'boolean' | 'integer' | 'number' | 'mode';

/** Paths below the file root: `*` is any key of a mapping, `[]` any item of a list. */
const SERVICE_FIELDS: [string, Cast][] = [
  ['tty', 'boolean'],
  ['stdin_open', 'boolean'],
  ['init', 'boolean'],
  ['privileged', 'boolean'],
  ['read_only', 'boolean'],
  ['oom_kill_disable', 'boolean'],
  ['attach', 'boolean'],
  ['use_api_socket', 'boolean'],
  ['healthcheck.disable', 'boolean'],
  ['build.no_cache', 'boolean'],
  ['build.pull', 'boolean'],
  ['build.privileged', 'boolean'],
  ['volumes.[].read_only', 'boolean'],
  ['volumes.[].volume.nocopy', 'boolean'],
  ['volumes.[].bind.create_host_path', 'boolean'],
  ['depends_on.*.required', 'boolean'],
  ['depends_on.*.restart', 'boolean'],
  ['develop.watch.[].initial_sync', 'boolean'],
  ['post_start.[].privileged', 'boolean'],
  ['pre_stop.[].privileged', 'boolean'],
  ['env_file.[].required', 'boolean'],
  ['scale', 'integer'],
  ['healthcheck.retries', 'integer'],
  ['deploy.replicas', 'integer'],
  ['deploy.update_config.parallelism', 'integer'],
  ['deploy.rollback_config.parallelism', 'integer'],
  ['deploy.restart_policy.max_attempts', 'integer'],
  ['deploy.placement.max_replicas_per_node', 'integer'],
  ['deploy.resources.limits.pids', 'integer'],
  ['ports.[].target', 'integer'],
  ['ulimits.*', 'integer'],
  ['ulimits.*.soft', 'integer'],
  ['ulimits.*.hard', 'integer'],
  ['build.ulimits.*', 'integer'],
  ['build.ulimits.*.soft', 'integer'],
  ['build.ulimits.*.hard', 'integer'],
  ['cpu_count', 'integer'],
  ['cpu_shares', 'integer'],
  ['cpu_period', 'integer'],
  ['cpu_quota', 'integer'],
  ['cpu_rt_period', 'integer'],
  ['cpu_rt_runtime', 'integer'],
  ['oom_score_adj', 'integer'],
  ['pids_limit', 'integer'],
  ['mem_swappiness', 'integer'],
  ['cpus', 'number'],
  ['cpu_percent', 'number'],
  ['deploy.update_config.max_failure_ratio', 'number'],
  ['deploy.rollback_config.max_failure_ratio', 'number'],
  ['networks.*.priority', 'number'],
  ['networks.*.gw_priority', 'number'],
  ['secrets.[].mode', 'mode'],
  ['configs.[].mode', 'mode'],
  ['volumes.[].tmpfs.mode', 'mode'],
];

const CAST_PATHS: [string[], Cast][] = [
  ...SERVICE_FIELDS.map(([p, c]): [string[], Cast] => [['services', '*', ...p.split('.')], c]),
  ...['external', 'internal', 'attachable', 'enable_ipv6', 'enable_ipv4'].map((k): [string[], Cast] => [['networks', '*', k], 'boolean']),
  ...['volumes', 'secrets', 'configs'].map((section): [string[], Cast] => [[section, '*', 'external'], 'boolean']),
];

/** A trie of the paths, so one walk of the tree finds every field to cast. */
interface CastTrie {
  cast?: Cast;
  children: Map<string, CastTrie>;
}

const TRIE: CastTrie = buildTrie();

function buildTrie(): CastTrie {
  const root: CastTrie = { children: new Map() };
  for (const [steps, cast] of CAST_PATHS) {
    let at = root;
    for (const step of steps) {
      let next = at.children.get(step);
      if (next === undefined) {
        next = { children: new Map() };
        at.children.set(step, next);
      }
      at = next;
    }
    at.cast = cast;
  }
  return root;
}

const TRUE_WORDS = new Set(['y', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['n', 'no', 'false', 'off']);

/** The value `text` stands for as `cast`, or undefined when it is not one. */
export function castScalarText(text: string, cast: Cast): boolean | number | undefined {
  const t = text.trim();
  switch (cast) {
    case 'boolean': {
      const lower = t.toLowerCase();
      if (TRUE_WORDS.has(lower)) return true;
      if (FALSE_WORDS.has(lower)) return false;
      return undefined;
    }
    case 'integer':
      return /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
    case 'number':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : undefined;
    case 'mode': {
      // A string is octal, as compose-go reads it ("0440" and "440" are 288); "0o440" too, which compose-go refuses.
      const octal = /^(0o)?([0-7]+)$/i.exec(t);
      return octal ? parseInt(octal[2]!, 8) : undefined;
    }
  }
}

const DESCRIPTION: Record<Cast, string> = {
  boolean: 'a boolean (true/false, yes/no, on/off)',
  integer: 'a whole number',
  number: 'a number',
  mode: 'an octal file mode',
};

export interface CastTree {
  root: Node;
  issues: ComposeIssue[];
}

/** Casts the string scalars at typed fields; the tree is copied where something changes. */
export function castFieldTypes(root: Node): CastTree {
  const issues: ComposeIssue[] = [];
  const visit = (node: Node, trie: CastTrie, path: (string | number)[]): Node => {
    if (node.kind === 'scalar') return trie.cast === undefined ? node : castScalar(node, trie.cast, path, issues);
    if (node.kind === 'seq') {
      const next = trie.children.get('[]');
      if (next === undefined) return node;
      return { ...node, items: node.items.map((item, i) => visit(item, next, [...path, i])) };
    }
    let entries: Map<string, MapEntry> | undefined;
    for (const [key, entry] of node.entries) {
      const next = trie.children.get(key) ?? trie.children.get('*');
      if (next === undefined) continue;
      const value = visit(entry.value, next, [...path, key]);
      if (value === entry.value) continue;
      entries ??= new Map(node.entries);
      entries.set(key, { ...entry, value });
    }
    return entries === undefined ? node : { ...node, entries };
  };
  return { root: visit(root, TRIE, []), issues };
}

function castScalar(node: ScalarNode, cast: Cast, path: (string | number)[], issues: ComposeIssue[]): Node {
  if (cast === 'mode' && node.leadingZero !== undefined) return yaml11FileMode(node, path, issues);
  if (typeof node.value !== 'string') return node;
  const value = castScalarText(node.value, cast);
  if (value !== undefined) return { ...node, value };
  const from = node.variables && node.variables.length > 0 ? ` (from ${node.variables.map((v) => `$${v}`).join(', ')})` : '';
  issues.push({ location: node.loc, message: `${formatPath(path)}: ${JSON.stringify(node.value)}${from} is not ${DESCRIPTION[cast]}` });
  return node;
}

/**
 * `mode: 0440` unquoted: compose's parser (go-yaml) keeps YAML 1.1's reading of a leading-zero integer, octal 0440
 * (288), where YAML 1.2 reads decimal 440; devstack follows compose in the file-mode fields. Elsewhere devstack reads
 * such a number as YAML 1.2 does (compose would read `cpu_shares: 0100` as 64; nobody writes that). A leading zero
 * with an 8 or 9 after it is no octal number: go-yaml makes it a float, which compose refuses as a mode; so does this.
 */
function yaml11FileMode(node: ScalarNode, path: (string | number)[], issues: ComposeIssue[]): Node {
  const text = node.leadingZero!;
  if (/^0[0-7]+$/.test(text)) return { ...node, value: Number.parseInt(text, 8) };
  issues.push({ location: node.loc, message: `${formatPath(path)}: ${text} is not ${DESCRIPTION.mode} (a leading 0 makes the number octal: digits 0-7)` });
  return node;
}
