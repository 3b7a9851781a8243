// Compose merge rules (-f a -f b, override files, extends): mappings merge deep, sequences append,
// command/entrypoint/healthcheck.test are replaced, ports/volumes/secrets/configs merge by their
// unique key, environment/labels/args and depends_on/networks merge by key. `!reset`/`!override` honoured.
import type { MapEntry, MapNode, Node } from './node.js';
import { isMap, scalarText, toPlain } from './node.js';
import { parsePortEntry } from './normalize/ports.js';
import { volumeTarget } from './normalize/volumes.js';

type Path = readonly string[];

const REPLACED = new Set(['services.*.command', 'services.*.entrypoint', 'services.*.healthcheck.test']);
const KEYED_LISTS = new Set([
  'services.*.environment',
  'services.*.labels',
  'services.*.annotations',
  'services.*.build.args',
  'services.*.build.labels',
  'services.*.sysctls',
  'services.*.depends_on',
  'services.*.networks',
]);
const UNIQUE_BY: Record<string, (item: Node) => string> = {
  'services.*.ports': portKey,
  'services.*.volumes': (item) => volumeTarget(item) ?? JSON.stringify(toPlain(item)),
  'services.*.secrets': referenceKey,
  'services.*.configs': referenceKey,
};

/** A whole file's own `!reset` keys removed (they mean "absent" where nothing is merged under them). */
export function dropResetKeys(root: Node): Node {
  return stripResets(root) ?? { kind: 'map', entries: new Map(), loc: root.loc };
}

/** Merges two whole compose files. */
export function mergeComposeFiles(base: Node, override: Node): Node {
  return mergeAt(base, override, []) ?? override;
}

/** Merges one service definition over another (used by extends as well). */
export function mergeServices(base: Node, override: Node): Node {
  return mergeAt(base, override, ['services', '*']) ?? override;
}

/** undefined: the key is removed (`!reset`). */
function mergeAt(base: Node, over: Node, path: Path): Node | undefined {
  if (over.tag === 'reset') return undefined;
  if (over.tag === 'override') return withoutTag(over);
  const pattern = patternOf(path);
  if (REPLACED.has(pattern)) return over;
  if (pattern === 'services.*.build') return mergeMaps(buildAsMap(base), buildAsMap(over), path);
  if (KEYED_LISTS.has(pattern)) return mergeMaps(keyedAsMap(base, pattern), keyedAsMap(over, pattern), path);
  const uniqueKey = UNIQUE_BY[pattern];
  if (uniqueKey && base.kind === 'seq' && over.kind === 'seq') return mergeUnique(base.items, over, uniqueKey);
  if (base.kind === 'map' && over.kind === 'map') return mergeMaps(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') return { ...over, items: [...base.items, ...over.items] };
  return over;
}

function mergeMaps(base: Node, over: Node, path: Path): Node {
  if (!isMap(base) || !isMap(over)) return over;
  const entries = new Map<string, MapEntry>(base.entries);
  for (const [key, entry] of over.entries) {
    const existing = entries.get(key);
    const merged = existing === undefined ? stripResets(entry.value) : mergeAt(existing.value, entry.value, [...path, key]);
    if (merged === undefined) entries.delete(key);
    else entries.set(key, { key, keyLoc: entry.keyLoc, value: merged });
  }
  return { kind: 'map', entries, loc: over.loc };
}

function mergeUnique(baseItems: Node[], over: Node & { kind: 'seq' }, keyOf: (item: Node) => string): Node {
  const items = [...baseItems];
  const keys = items.map(keyOf);
  for (const item of over.items) {
    const key = keyOf(item);
    const at = keys.indexOf(key);
    if (at === -1) {
      items.push(item);
      keys.push(key);
    } else {
      items[at] = item;
    }
  }
  return { ...over, items };
}

/** `services.web.ports` → `services.*.ports` (service names and deeper keys are matched generically). */
function patternOf(path: Path): string {
  return path.map((step, i) => (i === 1 && path[0] === 'services' ? '*' : step)).join('.');
}

/** A value defined only by the override: a `!reset` inside it means "absent". */
function stripResets(node: Node): Node | undefined {
  if (node.tag === 'reset') return undefined;
  if (node.tag === 'override') return withoutTag(node);
  if (node.kind !== 'map') return node;
  const entries = new Map<string, MapEntry>();
  for (const [k, e] of node.entries) {
    const value = stripResets(e.value);
    if (value !== undefined) entries.set(k, { ...e, value });
  }
  return { ...node, entries };
}

function withoutTag(node: Node): Node {
  const copy = { ...node };
  delete copy.tag;
  return copy;
}

function buildAsMap(node: Node): Node {
  if (node.kind !== 'scalar') return node;
  return mapOf(node, [['context', node]]);
}

/**
 * List forms of keyed collections as mappings: `KEY=VAL` / `KEY` (environment, labels, args),
 * `- db` (depends_on → { condition: service_started }), `- front` (networks → null).
 */
export function keyedAsMap(node: Node, pattern: string): Node {
  if (node.kind !== 'seq') return node;
  const pairs: [string, Node][] = node.items.map((item) => {
    const text = scalarText(item) ?? '';
    if (pattern.endsWith('.depends_on')) {
      return [text, mapOf(item, [['condition', { kind: 'scalar', value: 'service_started', loc: item.loc }]])];
    }
    if (pattern.endsWith('.networks')) return [text, { kind: 'scalar', value: null, loc: item.loc }];
    const eq = text.indexOf('=');
    return eq === -1
      ? [text, { kind: 'scalar', value: null, loc: item.loc }]
      : [text.slice(0, eq), { kind: 'scalar', value: text.slice(eq + 1), loc: item.loc }];
  });
  return mapOf(node, pairs);
}

function mapOf(at: Node, pairs: [string, Node][]): MapNode {
  const entries = new Map<string, MapEntry>();
  for (const [key, value] of pairs) entries.set(key, { key, keyLoc: value.loc, value });
  return { kind: 'map', entries, loc: at.loc };
}

function portKey(item: Node): string {
  try {
    return JSON.stringify(parsePortEntry(item).map((p) => [p.hostIp ?? '', p.published ?? '', p.target, p.protocol]));
  } catch {
    return JSON.stringify(toPlain(item));
  }
}

function referenceKey(item: Node): string {
  if (item.kind !== 'map') return scalarText(item) ?? '';
  return scalarText(item.entries.get('target')?.value) ?? scalarText(item.entries.get('source')?.value) ?? '';
}
