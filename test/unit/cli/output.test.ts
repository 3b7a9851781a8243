import { describe, expect, it } from 'vitest';
import { renderError } from '../../../src/cli/error-report.js';
import { EXIT_CODE } from '../../../src/cli/exit-codes.js';
import { chooseOutputMode, colorEnabled } from '../../../src/cli/output-mode.js';
import { createPlainProgress } from '../../../src/cli/progress/plain-progress.js';
import { ComposeError, DevstackError } from '../../../src/core/errors.js';

describe('output mode', () => {
  it.each([
    [{ json: true, env: {}, stderrIsTty: true }, 'json'],
    [{ json: false, env: { CI: 'true' }, stderrIsTty: true }, 'plain'],
    [{ json: false, env: { CI: 'false' }, stderrIsTty: true }, 'tty'],
    [{ json: false, env: {}, stderrIsTty: false }, 'plain'],
    [{ json: false, env: { TERM: 'dumb' }, stderrIsTty: true }, 'plain'],
    [{ json: false, env: {}, stderrIsTty: true }, 'tty'],
  ])('%j → %s', (input, mode) => expect(chooseOutputMode(input)).toBe(mode));

  it('honours NO_COLOR and FORCE_COLOR', () => {
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({}, true)).toBe(true);
  });
});

describe('renderError', () => {
  it('prints what, where and the fix, mapped to the exit code of its kind, without a stack', () => {
    const e = new DevstackError('port', 'port 5437 is taken by pid 812 (postgres)', { hint: 'free it or drop --strict-ports', details: ['service postgres'] });
    const r = renderError(e, false);
    expect(r.text).toBe('error: port 5437 is taken by pid 812 (postgres)\n  service postgres\nhint: free it or drop --strict-ports');
    expect(r.exitCode).toBe(EXIT_CODE.port);
    expect(r.json.error.kind).toBe('port');
  });

  it('keeps every located compose issue and adds the location only once', () => {
    const e = new ComposeError([
      { location: { file: 'compose.yaml', line: 3, col: 5 }, message: 'a' },
      { location: { file: 'compose.yaml', line: 9, col: 1 }, message: 'b' },
    ]);
    expect(renderError(e, false).text).toBe('error: compose.yaml:3:5: a\ncompose.yaml:9:1: b');
    expect(renderError(e, false).exitCode).toBe(3);
    const located = new DevstackError('compose', 'cycle found: a -> b -> a', { location: { file: 'c.yaml', line: 2, col: 3 } });
    expect(renderError(located, false).text).toBe('error: c.yaml:2:3: cycle found: a -> b -> a');
  });

  it('calls an unexpected error a bug and shows the stack only with --verbose', () => {
    const quiet = renderError(new TypeError('x is undefined'), false);
    expect(quiet.exitCode).toBe(70);
    expect(quiet.text).not.toMatch(/\n\s+at /);
    expect(renderError(new TypeError('x is undefined'), true).text).toMatch(/\n\s+at /);
  });
});

describe('plain progress', () => {
  it('prints one timestamped line per event', () => {
    const lines: string[] = [];
    let t = 1000;
    const view = createPlainProgress((l) => lines.push(l), () => t);
    view.onEvent({ type: 'service', service: 'postgres', phase: 'create' });
    t = 3500;
    view.onEvent({ type: 'notice', level: 'warn', message: 'postgres 5437 -> 5438 (5437 held by pid 812 postgres)' });
    view.onEvent({ type: 'resource', kind: 'network', name: 'demo_default', action: 'create' });
    expect(lines).toEqual([
      '[  0.0s] postgres create',
      '[  2.5s] warning: postgres 5437 -> 5438 (5437 held by pid 812 postgres)',
      '[  2.5s] network demo_default created',
    ]);
  });
});
