// `-f -`: a compose file read from standard input, as `docker compose -f - up` does. Inside the loader the file is
// a path in the folder its relative paths resolve from (`<cwd>/-`), so include, extends and the merge treat it like
// any file; its text comes from standard input, read once per process however often the project is loaded, and
// its locations read `stdin:LINE:COL`.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What `-f` (or COMPOSE_FILE) says for standard input. */
export const STANDARD_INPUT_ARG = '-';

/** The file name locations in the file carry: `stdin:3:5`. */
export const STANDARD_INPUT_NAME = 'stdin';

/** The loader's path for standard input, in the folder `dir` (the working directory). */
export function standardInputPath(dir: string): string {
  return path.join(path.resolve(dir), STANDARD_INPUT_ARG);
}

/** How the loader gets the text; tests give their own. */
export type StandardInputReader = () => string;

let read: { text: string } | { error: Error } | undefined;

/** This process's standard input, read to its end on the first call; later calls get the same text (or error). */
export function readStandardInputOnce(): string {
  read ??= readWhole();
  if ('error' in read) throw read.error;
  return read.text;
}

function readWhole(): { text: string } | { error: Error } {
  try {
    return { text: readFileSync(0, 'utf8') };
  } catch (e) {
    // A non-blocking stdin (left so by a parent) answers EAGAIN; /dev/stdin opens it anew, blocking.
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return { error: e as Error };
    try {
      return { text: readFileSync('/dev/stdin', 'utf8') };
    } catch (again) {
      return { error: again as Error };
    }
  }
}
