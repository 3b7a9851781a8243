// Compose variable interpolation: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+a},
// ${VAR+a}, nesting inside defaults, and $$ for a literal $. Defaults are only evaluated when used.
import type { ComposeIssue } from '../core/errors.js';
import type { SourceLocation } from '../core/model.js';
import type { MapEntry, Node } from './node.js';

export type VariableLookup = (name: string) => string | undefined;

export interface InterpolationOptions {
  /** A `$` that starts no variable is kept as is instead of being an error (.env files). */
  lenient?: boolean;
}

export interface InterpolatedText {
  value: string;
  /** Variables read while unset and without a default (they became ''). */
  unset: string[];
}

/** A malformed expression or a missing required variable; the message is ready for a user. */
export class InterpolationError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function interpolateText(text: string, lookup: VariableLookup, opts: InterpolationOptions = {}): InterpolatedText {
  const unset: string[] = [];
  const value = expand(text, lookup, opts, unset);
  return { value, unset };
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
      if (!opts.lenient) throw invalidFormat(text);
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

/** Index of the `}` closing an expression whose argument starts at `from`, honouring nested `${` and `$$`. */
function matchingBrace(text: string, from: number): number | undefined {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$' && text[i + 1] === '$') i++;
    else if (ch === '$' && text[i + 1] === '{') {
      depth++;
      i++;
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
          return { ...node, value: result.value };
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
