// Renders an error for a person: the message, its details, the fix. A stack trace only with --verbose.
import { formatLocation, isDevstackError, type DevstackError } from '../core/errors.js';
import { EXIT_CODE } from './exit-codes.js';

export interface RenderedError {
  text: string;
  exitCode: number;
  json: { error: { kind: string; message: string; location?: string; hint?: string; details: string[] } };
}

export function renderError(e: unknown, verbose: boolean): RenderedError {
  const err: DevstackError | undefined = isDevstackError(e) ? e : undefined;
  const kind = err?.kind ?? 'internal';
  const message = e instanceof Error ? e.message : String(e);
  const lines: string[] = [];
  // ComposeError messages already carry file:line:col for every issue.
  const located = err?.location && !message.includes(formatLocation(err.location));
  lines.push(`error: ${located && err?.location ? `${formatLocation(err.location)}: ` : ''}${message}`);
  for (const d of err?.details ?? []) lines.push(`  ${d}`);
  if (err?.hint) lines.push(`hint: ${err.hint}`);
  if (!err) lines.push('hint: this looks like a bug in devstack; run again with --verbose and report the output.');
  if (verbose && e instanceof Error && e.stack) lines.push('', e.stack);
  if (verbose && err?.cause instanceof Error && err.cause.stack) lines.push('caused by:', err.cause.stack);
  return {
    text: lines.join('\n'),
    exitCode: EXIT_CODE[kind],
    json: {
      error: {
        kind,
        message,
        ...(err?.location ? { location: formatLocation(err.location) } : {}),
        ...(err?.hint ? { hint: err.hint } : {}),
        details: err?.details ?? [],
      },
    },
  };
}
