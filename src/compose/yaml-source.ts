// YAML text → located node tree. Aliases are expanded, merge keys (`<<`) applied, and every
// syntax error is reported with its file:line:col (all of them, not just the first). A file of several
// documents (`---`) is read as compose reads it: each document merged over the ones before it.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Alias, Document, Node as YamlNode } from 'yaml';
import type { ComposeIssue } from '../core/errors.js';
import type { SourceLocation } from '../core/model.js';
import type { MapEntry, MapNode, MergeTag, Node, ScalarNode } from './node.js';
import { mapNode } from './node.js';
import { mergeComposeFiles } from './merge.js';

export interface ParsedYaml {
  root: Node;
  issues: ComposeIssue[];
}

/** Aliases may expand into each other; past this many expanded nodes the file is refused (alias bombs). */
const MAX_EXPANDED_NODES = 200_000;

/** Deeper nesting is refused (the YAML library itself gives up a few hundred levels further). */
export const MAX_NESTING = 300;

export function parseYamlSource(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by the conversion below (the library's own check is quadratic in a map's size).
  const docs = parseAllDocuments(text, { lineCounter, keepSourceTokens: true, merge: true, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number | undefined): SourceLocation => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, col: pos.col };
  };
  const fileStart = at(0);
  // An empty text is an empty list of documents; several documents are merged in order.
  const documents = [...docs];
  const issues: ComposeIssue[] = [];
  for (const doc of documents) issues.push(...doc.errors.map((e) => syntaxIssue(e.message, at(e.pos[0]))));
  if (issues.length > 0) return { root: mapNode(fileStart), issues };
  const roots: Node[] = [];
  for (const doc of documents) {
    if (doc.contents === null) continue;
    try {
      roots.push(new NodeConverter(doc, at, issues).convert(doc.contents as YamlNode, [], 0));
    } catch (e) {
      if (e instanceof AliasLimitError) {
        issues.push({ location: fileStart, message: `aliases expand to more than ${MAX_EXPANDED_NODES} nodes` });
      } else if (e instanceof NestingLimitError) {
        issues.push({ location: e.location, message: `nested too deeply (more than ${MAX_NESTING} levels)` });
      } else {
        throw e;
      }
      return { root: mapNode(fileStart), issues };
    }
  }
  if (roots.length === 0) return { root: mapNode(fileStart), issues };
  return { root: roots.reduce((base, next) => mergeComposeFiles(base, next)), issues };
}

function syntaxIssue(message: string, location: SourceLocation): ComposeIssue {
  // The library runs out of stack on very deep nesting and says so in its own words.
  if (/call stack/i.test(message)) return { location, message: 'nested too deeply for a compose file' };
  return { location, message: `YAML syntax error: ${firstLine(message)}` };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * What every alias of a document refers to: the closest anchor of that name before it, found in one pass
 * (the library's own lookup walks the whole document for each alias).
 */
function aliasTargets(doc: Document): Map<Alias, YamlNode> {
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined) targets.set(node, target);
    } else if (isNode(node) && node.anchor !== undefined) {
      anchors.set(node.anchor, node);
    }
  });
  return targets;
}

class NodeConverter {
  private expanded = 0;
  private readonly aliases: Map<Alias, YamlNode>;

  constructor(
    doc: Document,
    private readonly at: (offset: number | undefined) => SourceLocation,
    private readonly issues: ComposeIssue[],
  ) {
    this.aliases = aliasTargets(doc);
  }

  convert(node: YamlNode, aliasStack: YamlNode[], depth: number): Node {
    if (++this.expanded > MAX_EXPANDED_NODES) throw new AliasLimitError();
    if (depth > MAX_NESTING) throw new NestingLimitError(this.at(node.range?.[0]));
    if (isAlias(node)) {
      const target = this.aliases.get(node);
      const loc = this.at(node.range?.[0]);
      if (target === undefined || aliasStack.includes(target)) {
        this.issues.push({ location: loc, message: `alias *${node.source} refers to itself or to nothing` });
        return { kind: 'scalar', value: null, loc };
      }
      return this.convert(target, [...aliasStack, target], depth);
    }
    const loc = this.at(node.range?.[0]);
    const tag = mergeTagOf(node.tag);
    if (isScalar(node)) {
      const scalar: ScalarNode = { kind: 'scalar', value: scalarValue(node.value, tag), loc };
      if (typeof scalar.value === 'number' && node.type === 'PLAIN' && /^0\d/.test(node.source ?? '')) scalar.leadingZero = node.source!;
      return withTag(scalar, tag);
    }
    if (isSeq(node)) {
      const items = node.items.map((item) =>
        item === null ? { kind: 'scalar' as const, value: null, loc } : this.convert(item as YamlNode, aliasStack, depth + 1),
      );
      return withTag({ kind: 'seq', items, loc }, tag);
    }
    if (isMap(node)) return withTag(this.convertMap(node.items, loc, aliasStack, depth + 1), tag);
    this.issues.push({ location: loc, message: 'unsupported YAML node' });
    return { kind: 'scalar', value: null, loc };
  }

  private convertMap(pairs: unknown[], loc: SourceLocation, aliasStack: YamlNode[], depth: number): MapNode {
    const out = new Map<string, MapEntry>();
    const merged: MapEntry[] = [];
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyLoc = this.at(keyNode?.range?.[0] ?? undefined) ?? loc;
      const value: Node =
        pair.value === null ? { kind: 'scalar', value: null, loc: keyLoc } : this.convert(pair.value as YamlNode, aliasStack, depth);
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        merged.push(...this.mergeSources(value, keyLoc));
        continue;
      }
      const key = this.keyText(keyNode, keyLoc, aliasStack, depth);
      if (key === undefined) continue;
      if (key === '__proto__') {
        this.issues.push({ location: keyLoc, message: 'the key __proto__ is not allowed' });
        continue;
      }
      if (out.has(key)) this.issues.push({ location: keyLoc, message: 'YAML syntax error: Map keys must be unique' });
      out.set(key, { key, keyLoc, value });
    }
    // Explicit keys win over merged ones; earlier merge sources win over later ones.
    const result = new Map<string, MapEntry>();
    for (const e of merged) if (!out.has(e.key) && !result.has(e.key)) result.set(e.key, e);
    for (const [k, e] of out) result.set(k, e);
    return { kind: 'map', entries: result, loc };
  }

  private mergeSources(value: Node, keyLoc: SourceLocation): MapEntry[] {
    const sources = value.kind === 'seq' ? value.items : [value];
    const entries: MapEntry[] = [];
    for (const source of sources) {
      if (source.kind !== 'map') {
        this.issues.push({ location: source.loc, message: 'merge key << expects a mapping or a list of mappings' });
        continue;
      }
      entries.push(...source.entries.values());
    }
    if (entries.length === 0 && sources.length === 0) {
      this.issues.push({ location: keyLoc, message: 'merge key << has nothing to merge' });
    }
    return entries;
  }

  private keyText(keyNode: YamlNode | null, keyLoc: SourceLocation, aliasStack: YamlNode[], depth: number): string | undefined {
    if (keyNode === null) return '';
    const key = this.convert(keyNode, aliasStack, depth);
    if (key.kind !== 'scalar') {
      this.issues.push({ location: keyLoc, message: 'mapping keys must be plain values, not lists or mappings' });
      return undefined;
    }
    return key.value === null ? 'null' : String(key.value);
  }
}

class AliasLimitError extends Error {}

class NestingLimitError extends Error {
  constructor(readonly location: SourceLocation) {
    super('nested too deeply');
  }
}

function mergeTagOf(tag: string | undefined): MergeTag | undefined {
  if (tag === '!reset') return 'reset';
  if (tag === '!override') return 'override';
  return undefined;
}

function withTag<T extends Node>(node: T, tag: MergeTag | undefined): T {
  if (tag !== undefined) node.tag = tag;
  return node;
}

function scalarValue(value: unknown, tag: MergeTag | undefined): string | number | boolean | null {
  if (tag === 'reset' && (value === 'null' || value === '')) return null;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}
