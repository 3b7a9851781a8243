// The one place where error kinds become exit codes. Documented in the README.
import type { ErrorKind } from '../core/errors.js';

export const EXIT_CODE: Record<ErrorKind | 'ok', number> = {
  ok: 0,
  'service-failed': 1,
  usage: 2,
  compose: 3,
  'engine-unreachable': 4,
  engine: 5,
  timeout: 6,
  port: 7,
  'not-found': 8,
  database: 9,
  internal: 70,
  interrupted: 130,
};
