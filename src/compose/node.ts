// A YAML value that remembers where it was written. Every stage of the loader (interpolation,
// validation, merge, extends, normalization) works on these nodes so any error can point at file:line:col.
import type { SourceLocation } from '../core/model.js';

export type Scalar = string | number | boolean | null;

/** Compose's merge tags: `!reset` drops the inherited value, `!override` replaces it whole. */
export type MergeTag = 'reset' | 'override';

export interface ScalarNode {
  kind: 'scalar';
  value: Scalar;
  loc: SourceLocation;
  tag?: MergeTag;
  /** The variables an interpolated value was made from (for messages about the value). */
  variables?: string[];
  /**
   * A plain integer written with a leading zero (`0440`), as written. YAML 1.2, which this parser follows, reads it
   * as decimal 440; YAML 1.1 and go-yaml, compose's parser, as octal 0440 (288). The file-mode fields use it.
   */
  leadingZero?: string;
}

export interface SeqNode {
  kind: 'seq';
  items: Node[];
  loc: SourceLocation;
  tag?: MergeTag;
}

export interface MapEntry {
  key: string;
  keyLoc: SourceLocation;
  value: Node;
}

export interface MapNode {
  kind: 'map';
  /** Insertion-ordered entries by key. */
  entries: Map<string, MapEntry>;
  loc: SourceLocation;
  tag?: MergeTag;
}

export type Node = ScalarNode | SeqNode | MapNode;

export function mapNode(loc: SourceLocation, entries: MapEntry[] = []): MapNode {
  return { kind: 'map', entries: new Map(entries.map((e) => [e.key, e])), loc };
}

export function isMap(node: Node | undefined): node is MapNode {
  return node?.kind === 'map';
}

export function isSeq(node: Node | undefined): node is SeqNode {
  return node?.kind === 'seq';
}

export function isScalar(node: Node | undefined): node is ScalarNode {
  return node?.kind === 'scalar';
}

/** The value at `key` of a mapping node (undefined for anything else). */
export function child(node: Node | undefined, key: string): Node | undefined {
  return isMap(node) ? node.entries.get(key)?.value : undefined;
}

/** A scalar rendered as a string (null → undefined), as compose reads most scalar fields. */
export function scalarText(node: Node | undefined): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  return String(node.value);
}

/** The plain JavaScript value of a node (for schema validation and comparisons). */
export function toPlain(node: Node): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) out[k] = toPlain(e.value);
      return out;
    }
  }
}

/** Renders a path like `services.web.ports[0]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(step)) out += out === '' ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}
