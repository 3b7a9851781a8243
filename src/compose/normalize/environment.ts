// environment / labels / build args in list or map form → string maps; env_file and label_file entries read first.
import path from 'node:path';
import type { ComposeIssue } from '../../core/errors.js';
import type { Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';
import { keyedAsMap } from '../merge.js';
import { readEnvFile } from '../dotenv.js';
import type { SourceFiles } from '../source-files.js';
import type { VariableLookup } from '../interpolation.js';

/** List (`KEY=v`, `KEY`) or map form → entries; `null` marks a bare key with no value. */
export function readKeyedValues(node: Node | undefined): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (node === undefined) return out;
  const asMap = keyedAsMap(node, 'environment');
  if (!isMap(asMap)) return out;
  for (const [key, entry] of asMap.entries) {
    out.set(key, entry.value.kind === 'scalar' && entry.value.value === null ? null : (scalarText(entry.value) ?? ''));
  }
  return out;
}

/** A string map where bare keys take `lookup`'s value or are dropped. */
export function resolveKeyedValues(node: Node | undefined, lookup: VariableLookup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of readKeyedValues(node)) {
    const resolved = value ?? lookup(key);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

export interface EnvironmentContext {
  projectDir: string;
  lookup: VariableLookup;
  issues: ComposeIssue[];
  /** Collects the env_file paths looked at, present or not. */
  envFilesSeen?: SourceFiles;
}

/** env_file entries (in order), then `environment`. */
export function resolveServiceEnvironment(service: Node, ctx: EnvironmentContext): Record<string, string> {
  const env = readKeyValueFiles(child(service, 'env_file'), 'env file', ctx);
  return Object.assign(env, resolveKeyedValues(child(service, 'environment'), ctx.lookup));
}

/**
 * label_file entries (in order; a later file wins), then `labels`, which win over the files (compose spec). A label
 * file is written like an env file; each one must exist.
 */
export function resolveServiceLabels(service: Node, ctx: EnvironmentContext, labels: Record<string, string>): Record<string, string> {
  if (child(service, 'label_file') === undefined) return labels;
  return { ...readKeyValueFiles(child(service, 'label_file'), 'label file', ctx), ...labels };
}

/** The values of KEY=VALUE files (env_file, label_file), later files over earlier ones. */
function readKeyValueFiles(node: Node | undefined, what: 'env file' | 'label file', ctx: EnvironmentContext): Record<string, string> {
  const values: Record<string, string> = {};
  for (const ref of envFileRefs(node)) {
    const file = path.resolve(ctx.projectDir, ref.path);
    ctx.envFilesSeen?.noteRead(file);
    const read = readEnvFile(file, ctx.lookup);
    if (read.status === 'missing') {
      if (ref.required) ctx.issues.push({ location: ref.node.loc, message: `${what} ${file} not found` });
      continue;
    }
    if (read.status === 'unreadable') {
      ctx.issues.push({ location: ref.node.loc, message: `cannot read ${what} ${file}: ${read.reason}` });
      continue;
    }
    ctx.issues.push(...read.issues);
    Object.assign(values, read.values);
  }
  return values;
}

interface EnvFileRef {
  path: string;
  required: boolean;
  node: Node;
}

function envFileRefs(node: Node | undefined): EnvFileRef[] {
  if (node === undefined) return [];
  const items = isSeq(node) ? node.items : [node];
  return items.flatMap((item) => {
    const p = isMap(item) ? scalarText(child(item, 'path')) : scalarText(item);
    if (p === undefined) return [];
    const required = isMap(item) ? scalarText(child(item, 'required')) !== 'false' : true;
    return [{ path: p, required, node: item }];
  });
}
