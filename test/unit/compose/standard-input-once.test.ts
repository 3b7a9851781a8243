// This process's standard input is read to its end once: every later load of a `-f -` project gets the same text
// (a second read would find it empty). A stdin left non-blocking by a parent (EAGAIN) is read through /dev/stdin.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const reads: unknown[] = [];
let answers: (() => string)[] = [];

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    readFileSync: (file: unknown, ...rest: unknown[]) => {
      if (file !== 0 && file !== '/dev/stdin') return (fs.readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
      reads.push(file);
      return answers.shift()!();
    },
  };
});

beforeEach(() => {
  vi.resetModules(); // a fresh module: its memo starts empty
  reads.length = 0;
});

describe('readStandardInputOnce', () => {
  it('reads fd 0 once and hands the same text to every later call', async () => {
    answers = [() => 'services: {}\n', () => ''];
    const { readStandardInputOnce } = await import('../../../src/compose/standard-input.js');
    expect(readStandardInputOnce()).toBe('services: {}\n');
    expect(readStandardInputOnce()).toBe('services: {}\n');
    expect(reads).toEqual([0]);
  });

  it('a non-blocking stdin (EAGAIN) is read through /dev/stdin; a failure is kept and thrown again', async () => {
    answers = [
      () => {
        throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, read'), { code: 'EAGAIN' });
      },
      () => 'name: piped\n',
    ];
    const first = await import('../../../src/compose/standard-input.js');
    expect(first.readStandardInputOnce()).toBe('name: piped\n');
    expect(reads).toEqual([0, '/dev/stdin']);

    vi.resetModules();
    reads.length = 0;
    answers = [
      () => {
        throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
      },
    ];
    const second = await import('../../../src/compose/standard-input.js');
    expect(() => second.readStandardInputOnce()).toThrow('EISDIR');
    expect(() => second.readStandardInputOnce()).toThrow('EISDIR');
    expect(reads).toEqual([0]);
  });
});
