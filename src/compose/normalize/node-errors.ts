// Turns a thrown syntax error from one normalization step into a located issue.
import type { ComposeIssue } from '../../core/errors.js';
import type { Node } from '../node.js';
import { formatPath } from '../node.js';
import { DevstackOptionError } from './devstack-options.js';
import { PortSyntaxError } from './ports.js';
import { ShellSyntaxError } from './shell-words.js';
import { VolumeSyntaxError } from './volumes.js';

export class ValueError extends Error {}

const USER_ERRORS = [PortSyntaxError, VolumeSyntaxError, ShellSyntaxError, ValueError];

/** Runs `read`; a user-caused error becomes an issue at `node` and the result is `fallback`. */
export function readOrReport<T>(
  issues: ComposeIssue[],
  node: Node,
  path: (string | number)[],
  read: () => T,
  fallback: T,
): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DevstackOptionError) {
      const where = e.key === undefined ? path : [...path, e.key];
      issues.push({ location: e.node.loc, message: `${formatPath(where)}: ${e.message}` });
      return fallback;
    }
    if (!USER_ERRORS.some((cls) => e instanceof cls)) throw e;
    issues.push({ location: node.loc, message: `${formatPath(path)}: ${(e as Error).message}` });
    return fallback;
  }
}
