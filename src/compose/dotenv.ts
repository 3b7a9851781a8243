// `.env` / env_file parsing: KEY=VAL lines, `export ` prefix, comments, single quotes (literal),
// double quotes (escapes + interpolation, may span lines), unquoted values (interpolated, ` #` comments).
import { existsSync, readFileSync } from 'node:fs';
import type { ComposeIssue } from '../core/errors.js';
import { InterpolationError, interpolateText } from './interpolation.js';
import type { VariableLookup } from './interpolation.js';

export interface DotenvResult {
  values: Record<string, string>;
  issues: ComposeIssue[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', $: '$$' };

/**
 * Parses env-file text. `${VAR}` in unquoted and double-quoted values reads `lookup` (the shell)
 * first, then keys defined earlier in the file. A bare `KEY` takes the shell value or is dropped.
 */
export function parseDotenv(text: string, file: string, lookup: VariableLookup): DotenvResult {
  const values: Record<string, string> = {};
  const issues: ComposeIssue[] = [];
  const resolve: VariableLookup = (name) => lookup(name) ?? ownValue(values, name);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const issue = (message: string, col = 1): void => {
      issues.push({ location: { file, line: lineNo, col }, message });
    };
    const trimmed = lines[index]!.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const line = trimmed.replace(/^export\s+/, '');
    const eq = line.indexOf('=');
    const key = (eq === -1 ? line : line.slice(0, eq)).trim();
    if (!KEY.test(key) || key === '__proto__') {
      issue(`invalid variable name ${JSON.stringify(key)}; expected KEY=VALUE`);
      continue;
    }
    if (eq === -1) {
      const shell = lookup(key);
      if (shell !== undefined) values[key] = shell;
      continue;
    }
    let raw = line.slice(eq + 1).replace(/^[ \t]+/, '');
    const quote = raw[0];
    try {
      if (quote === "'" || quote === '"') {
        // A quoted value may continue on the following lines until its closing quote.
        let close = closingQuote(raw, quote);
        while (close === -1 && index + 1 < lines.length) {
          raw += '\n' + lines[++index];
          close = closingQuote(raw, quote);
        }
        if (close === -1) {
          issues.push({ location: { file, line: lineNo, col: 1 }, message: `unterminated ${quote} quote in value of ${key}` });
          continue;
        }
        const rest = raw.slice(close + 1).trim();
        if (rest !== '' && !rest.startsWith('#')) {
          issue(`unexpected text after the closing quote of ${key}: ${JSON.stringify(rest)}`);
          continue;
        }
        const body = raw.slice(1, close);
        values[key] = quote === "'" ? body : interpolateText(unescapeDouble(body), resolve, { lenient: true }).value;
      } else {
        const value = raw.replace(/\s+#.*$/, '').trimEnd();
        values[key] = interpolateText(value, resolve, { lenient: true }).value;
      }
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      issue(e.message);
    }
  }
  return { values, issues };
}

function closingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') i++;
    else if (raw[i] === quote) return i;
  }
  return -1;
}

/** Applies double-quote escapes; `\$` becomes `$$` so interpolation leaves a literal `$`. */
function unescapeDouble(body: string): string {
  return body.replace(/\\(.)/gs, (whole, ch: string) => DOUBLE_QUOTE_ESCAPES[ch] ?? whole);
}

/** An env file read from disk and parsed, or why it could not be. */
export type EnvFileRead = ({ status: 'read' } & DotenvResult) | { status: 'missing' } | { status: 'unreadable'; reason: string };

export function readEnvFile(file: string, lookup: VariableLookup): EnvFileRead {
  if (!existsSync(file)) return { status: 'missing' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { status: 'unreadable', reason: (e as Error).message };
  }
  return { status: 'read', ...parseDotenv(text, file, lookup) };
}

/** `record[name]` only when it is the record's own entry (never `constructor` & co. from the prototype). */
export function ownValue(record: Record<string, string | undefined>, name: string): string | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
