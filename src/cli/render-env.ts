// `devstack env` output: dotenv (KEY=VALUE, quoted only when needed), shell (export KEY='VALUE') or JSON.
// dotenv and shell text start with the marker line, so `--output` may later replace the file.
import { ENV_FILE_MARKER } from '../app/env-file.js';
import type { EnvEntry } from '../core/connection-env.js';

export type EnvFormat = 'dotenv' | 'shell' | 'json';

export const ENV_FORMATS: readonly EnvFormat[] = ['dotenv', 'shell', 'json'];

export function renderEnv(entries: EnvEntry[], format: EnvFormat, project: string): string {
  if (format === 'json') return `${JSON.stringify(Object.fromEntries(entries.map((e) => [e.key, e.value])), null, 2)}\n`;
  const header = `${ENV_FILE_MARKER} for project ${project.replace(/\s+/g, ' ')}; devstack env --output rewrites it.`;
  const line = format === 'shell' ? (e: EnvEntry) => `export ${e.key}=${shellQuote(e.value)}` : (e: EnvEntry) => `${e.key}=${dotenvQuote(e.value)}`;
  return [header, ...entries.map(line)].join('\n') + '\n';
}

/** POSIX single quotes: everything literal; a ' becomes '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const DOTENV_BARE = /^[A-Za-z0-9_@%+=:,./-]*$/;

/**
 * Bare when nothing in it is special; else single quotes (literal in compose's and devstack's .env); else (it holds
 * a ' or a line break) double quotes with \\ \" \$ \n \r escaped.
 */
export function dotenvQuote(value: string): string {
  if (DOTENV_BARE.test(value)) return value;
  if (!/['\n\r]/.test(value)) return `'${value}'`;
  const escaped = value.replace(/[\\"$\n\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r' })[c] ?? c);
  return `"${escaped}"`;
}
