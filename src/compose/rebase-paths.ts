// Relative host paths of a service made absolute against the folder of the file that wrote them
// (a service taken by `extends: { file }` or `include` from another folder keeps its meaning).
import path from 'node:path';
import type { Node } from './node.js';
import { child, isMap, scalarText } from './node.js';
import { isHostPath } from './normalize/volumes.js';

/** Makes the relative host paths of a service absolute against `dir` (its own file's folder). */
export function rebaseServicePaths(service: Node, dir: string): Node {
  if (!isMap(service)) return service;
  const absolute = (n: Node): Node => {
    const text = scalarText(n);
    return n.kind !== 'scalar' || text === undefined || path.isAbsolute(text) || text.startsWith('~')
      ? n
      : { ...n, value: path.resolve(dir, text) };
  };
  const entries = new Map(service.entries);
  const update = (key: string, fn: (n: Node) => Node): void => {
    const e = entries.get(key);
    if (e) entries.set(key, { ...e, value: fn(e.value) });
  };
  update('build', (b) => (b.kind === 'scalar' ? absolute(b) : mapValue(b, 'context', absolute)));
  update('env_file', (f) => (f.kind === 'seq' ? { ...f, items: f.items.map((i) => mapValue(i, 'path', absolute, absolute)) } : absolute(f)));
  update('label_file', (f) => (f.kind === 'seq' ? { ...f, items: f.items.map(absolute) } : absolute(f)));
  update('volumes', (v) => (v.kind === 'seq' ? { ...v, items: v.items.map((i) => rebaseVolume(i, dir)) } : v));
  update('develop', (d) =>
    mapValue(d, 'watch', (w) => (w.kind === 'seq' ? { ...w, items: w.items.map((rule) => mapValue(rule, 'path', absolute)) } : w)),
  );
  return { ...service, entries };
}

/** A top-level secret or config from another folder: its relative `file` made absolute against `dir`. */
export function rebaseFileObjectPath(definition: Node, dir: string): Node {
  return mapValue(definition, 'file', (n) => {
    const text = scalarText(n);
    return n.kind !== 'scalar' || text === undefined || path.isAbsolute(text) ? n : { ...n, value: path.resolve(dir, text) };
  });
}

function mapValue(node: Node, key: string, fn: (n: Node) => Node, scalarFn?: (n: Node) => Node): Node {
  if (!isMap(node)) return scalarFn ? scalarFn(node) : node;
  const e = node.entries.get(key);
  if (!e) return node;
  const entries = new Map(node.entries);
  entries.set(key, { ...e, value: fn(e.value) });
  return { ...node, entries };
}

function rebaseVolume(item: Node, dir: string): Node {
  if (isMap(item)) {
    if (scalarText(child(item, 'type')) !== 'bind') return item;
    return mapValue(item, 'source', (s) => {
      const text = scalarText(s);
      return s.kind === 'scalar' && text !== undefined && text.startsWith('.') ? { ...s, value: path.resolve(dir, text) } : s;
    });
  }
  const text = scalarText(item);
  if (item.kind !== 'scalar' || text === undefined) return item;
  const [source, ...rest] = text.split(':');
  if (rest.length === 0 || source === undefined || !isHostPath(source) || !source.startsWith('.')) return item;
  return { ...item, value: [path.resolve(dir, source), ...rest].join(':') };
}
