// Whether a path lies inside a folder. `..env` and `...` are names inside it; only a `..` segment leads out.
import path from 'node:path';

/** `child` relative to `parent` ('' for the folder itself), or undefined when it is outside. */
export function relativeInside(parent: string, child: string): string | undefined {
  const rel = path.relative(parent, child);
  if (rel === '') return '';
  if (path.isAbsolute(rel) || rel === '..' || rel.startsWith(`..${path.sep}`)) return undefined;
  return rel;
}

/** `child` is `parent` or below it. */
export function isInside(parent: string, child: string): boolean {
  return relativeInside(parent, child) !== undefined;
}
