// How progress is shown: listr2 on an interactive terminal, plain lines in CI or a pipe, NDJSON with --json.
export type OutputMode = 'tty' | 'plain' | 'json';

export function chooseOutputMode(opts: { json: boolean; env: Record<string, string | undefined>; stderrIsTty: boolean }): OutputMode {
  if (opts.json) return 'json';
  const ci = opts.env.CI !== undefined && opts.env.CI !== '' && opts.env.CI !== 'false';
  if (ci || !opts.stderrIsTty || opts.env.TERM === 'dumb') return 'plain';
  return 'tty';
}

export function colorEnabled(env: Record<string, string | undefined>, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTty;
}
