// Names that start with `..` are inside a folder; only a `..` segment (or another root) leads out.
import { describe, expect, it } from 'vitest';
import { isInside, relativeInside } from '../../../src/core/path-inside.js';

describe('path inside a folder', () => {
  it.each([
    ['/p/src/..env', '..env'],
    ['/p/src/...', '...'],
    ['/p/src/..data/x', '..data/x'],
    ['/p/src', ''],
    ['/p/src/a/../b', 'b'],
  ])('%s is inside /p/src as %j', (child, rel) => {
    expect(relativeInside('/p/src', child)).toBe(rel);
  });

  it.each(['/p', '/p/other', '/p/src/../x', '/etc/passwd', '/p/src2'])('%s is outside /p/src', (child) => {
    expect(isInside('/p/src', child)).toBe(false);
  });
});
