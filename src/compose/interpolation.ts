// Compose variable interpolation: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+a},
// ${VAR+a}, nesting inside defaults, and $$ for a literal $. Defaults are only evaluated when used. A `$` that
// starts neither a name nor `{` is kept as written (`sh -c 'echo $(date)'`, `^v[0-9]+$`), as compose v2 does.
import type { ComposeIssue } from '../core/errors.js';
import type { SourceLocation } from '../core/model.js';
import type { MapEntry, Node } from './node.js';

export type VariableLookup = (name: string) => string | undefined;

export interface InterpolationOptions {
  /** A malformed `${…}` is kept as is instead of being an error (.env files). */
  lenient?: boolean;
}

export interface InterpolatedText {
  value: string;
  /** Variables read while unset and without a default (they became ''). */
  unset: string[];
  /** Every variable the value was made from. */
  used: string[];
}

/** `${A:-${B:-…}}` nested deeper than this is refused (a real file nests a few levels). */
export const MAX_NESTED_EXPRESSIONS = 200;

/** A malformed expression or a missing required variable; the message is ready for a user. */
export class InterpolationError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function interpolateText(text: string, lookup: VariableLookup, opts: InterpolationOptions = {}): InterpolatedText {
  const unset: string[] = [];
  const used: string[] = [];
  if (nestingDepth(text) > MAX_NESTED_EXPRESSIONS) {
    throw new InterpolationError(`variable expressions nested more than ${MAX_NESTED_EXPRESSIONS} deep`);
  }
  const lookupNoting: VariableLookup = (name) => {
    if (!used.includes(name)) used.push(name);
    return lookup(name);
  };
  const value = expand(text, lookupNoting, opts, unset);
  return { value, unset, used };
}

/** How deep `${` expressions nest in `text` (`$$` is a literal). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$' && (text[i + 1] === '$' || text[i + 1] === '{')) {
      if (text[i + 1] === '{') max = Math.max(max, ++depth);
      i++;
    } else if (ch === '}' && depth > 0) {
      depth--;
    }
  }
  return max;
}

function expand(text: string, lookup: VariableLookup, opts: InterpolationOptions, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      const end = nameEnd(text, i + 1);
      const name = text.slice(i + 1, end);
      out += plainValue(name, lookup, unset);
      i = end;
    } else if (next === '{') {
      const parsed = parseBraced(text, i);
      if (parsed === undefined) {
        if (!opts.lenient) throw invalidFormat(text);
        out += '$';
        i++;
        continue;
      }
      out += evaluate(parsed, lookup, opts, unset);
      i = parsed.end;
    } else {
      // Not a variable: compose keeps a lone `$` as written.
      out += '$';
      i++;
    }
  }
  return out;
}

function nameEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && NAME_CHAR.test(text[end]!)) end++;
  return end;
}

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

interface BracedExpression {
  name: string;
  operator?: Operator;
  argument: string;
  /** Index just past the closing brace. */
  end: number;
}

/** Parses `${...}` starting at the `$`; undefined when malformed. */
function parseBraced(text: string, dollar: number): BracedExpression | undefined {
  const nameStart = dollar + 2;
  if (!NAME_START.test(text[nameStart] ?? '')) return undefined;
  const afterName = nameEnd(text, nameStart);
  const name = text.slice(nameStart, afterName);
  if (text[afterName] === '}') return { name, argument: '', end: afterName + 1 };
  const operator = (['+', '-', '?'].includes(text[afterName] ?? '') ? text[afterName] : text.slice(afterName, afterName + 2)) as Operator;
  if (!['+', '-', '?', ':-', ':?', ':+'].includes(operator)) return undefined;
  const argStart = afterName + operator.length;
  const close = matchingBrace(text, argStart);
  if (close === undefined) return undefined;
  return { name, operator, argument: text.slice(argStart, close), end: close + 1 };
}

/**
 * Index of the `}` closing an expression whose argument starts at `from`, honouring nested `${`, `$$` and plain
 * braces (a default such as `{"json":1}` keeps its own closing brace).
 */
function matchingBrace(text: string, from: number): number | undefined {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$' && text[i + 1] === '$') i++;
    else if (ch === '{' || (ch === '$' && text[i + 1] === '{')) {
      depth++;
      if (ch === '$') i++;
    } else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

function evaluate(expr: BracedExpression, lookup: VariableLookup, opts: InterpolationOptions, unset: string[]): string {
  const value = lookup(expr.name);
  const isSet = value !== undefined;
  const isNonEmpty = isSet && value !== '';
  const argument = (): string => expand(expr.argument, lookup, opts, unset);
  switch (expr.operator) {
    case undefined:
      return plainValue(expr.name, lookup, unset);
    case ':-':
      return isNonEmpty ? value : argument();
    case '-':
      return isSet ? value : argument();
    case ':?':
      if (!isNonEmpty) throw missingRequired(expr.name, argument());
      return value;
    case '?':
      if (!isSet) throw missingRequired(expr.name, argument());
      return value;
    case ':+':
      return isNonEmpty ? argument() : '';
    case '+':
      return isSet ? argument() : '';
  }
}

function plainValue(name: string, lookup: VariableLookup, unset: string[]): string {
  const value = lookup(name);
  if (value === undefined) {
    unset.push(name);
    return '';
  }
  return value;
}

function missingRequired(name: string, message: string): InterpolationError {
  return new InterpolationError(`required variable ${name} is missing a value${message === '' ? '' : `: ${message}`}`);
}

function invalidFormat(text: string): InterpolationError {
  return new InterpolationError(`invalid interpolation format in ${JSON.stringify(text)}; to write a literal $, double it: $$`);
}

export interface UnsetVariable {
  name: string;
  location: SourceLocation;
}

export interface InterpolatedTree {
  root: Node;
  issues: ComposeIssue[];
  unset: UnsetVariable[];
}

/** Interpolates every string value of a tree (keys are left alone). */
export function interpolateTree(root: Node, lookup: VariableLookup): InterpolatedTree {
  const issues: ComposeIssue[] = [];
  const unset: UnsetVariable[] = [];
  const visit = (node: Node): Node => {
    switch (node.kind) {
      case 'scalar': {
        if (typeof node.value !== 'string' || !node.value.includes('$')) return node;
        try {
          const result = interpolateText(node.value, lookup);
          for (const name of result.unset) unset.push({ name, location: node.loc });
          return result.used.length > 0 ? { ...node, value: result.value, variables: result.used } : { ...node, value: result.value };
        } catch (e) {
          if (!(e instanceof InterpolationError)) throw e;
          issues.push({ location: node.loc, message: e.message });
          return node;
        }
      }
      case 'seq':
        return { ...node, items: node.items.map(visit) };
      case 'map': {
        const entries = new Map<string, MapEntry>();
        for (const [k, e] of node.entries) entries.set(k, { ...e, value: visit(e.value) });
        return { ...node, entries };
      }
    }
  };
  return { root: visit(root), issues, unset };
}
