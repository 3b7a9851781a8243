import { describe, expect, it } from 'vitest';
import { globalFlagsAfterCommand, type GlobalFlag } from '../../../src/cli/global-flags-first.js';

const FLAGS: GlobalFlag[] = [
  { name: 'file', char: 'f', boolean: false },
  { name: 'project-name', char: 'p', boolean: false },
  { name: 'context', boolean: false },
  { name: 'json', boolean: true },
  { name: 'verbose', boolean: true },
];
const moved = (line: string) => globalFlagsAfterCommand(line.split(' '), FLAGS).join(' ');

describe('global flags before the command, as with docker compose', () => {
  it('moves them, with their values, after the command word', () => {
    expect(moved('-f other.yaml up --watch')).toBe('up --file other.yaml --watch');
    expect(moved('--context devbox ps')).toBe('ps --context devbox');
    expect(moved('-f a.yaml -f b.yaml -p shop --json ps')).toBe('ps --file a.yaml --file b.yaml --project-name shop --json');
    expect(moved('--file=a.yaml --verbose down -v')).toBe('down --file=a.yaml --verbose -v');
    expect(moved('-fother.yaml config')).toBe('config --file=other.yaml');
    expect(moved('-f=other.yaml config')).toBe('config --file=other.yaml');
    expect(moved('-f - up')).toBe('up --file -');
  });

  it('moves short forms in their long form, so a command\'s own letter keeps its meaning (logs -f follows)', () => {
    expect(moved('-f other.yaml logs -f web')).toBe('logs --file other.yaml -f web');
  });

  it('leaves the words alone when the command comes first, or when what comes first is not a global flag', () => {
    expect(moved('up -f other.yaml')).toBe('up -f other.yaml');
    expect(moved('--version')).toBe('--version');
    expect(moved('--help up')).toBe('--help up');
    expect(moved('--json')).toBe('--json');
    expect(moved('-f')).toBe('-f');
    expect(moved('-f x.yaml')).toBe('-f x.yaml');
  });
});
