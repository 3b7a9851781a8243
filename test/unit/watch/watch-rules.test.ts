import { describe, expect, it } from 'vitest';
import type { WatchRule } from '../../../src/core/model.js';
import { skipsForAll, WatchRuleMatcher } from '../../../src/engine/watch/watch-rules.js';

const rule = (over: Partial<WatchRule> = {}): WatchRule => ({
  action: 'sync', path: '/p/backend/src', target: '/app/src', ignore: [], include: [], initialSync: false, ...over,
});

describe('WatchRuleMatcher.applies', () => {
  it.each<[string, Partial<WatchRule>, string, boolean, boolean?]>([
    ['a file under the path', {}, '/p/backend/src/a.ts', true],
    ['the path itself', {}, '/p/backend/src', true],
    ['outside the path', {}, '/p/backend/other.ts', false],
    ['a sibling with the same prefix', {}, '/p/backend/src2/a.ts', false],
    // ignore is read as .dockerignore relative to the rule's path (compose's rule), not as .gitignore:
    ['* stays in the top folder', { ignore: ['*.log'] }, '/p/backend/src/deep/x.log', true],
    ['* in the top folder', { ignore: ['*.log'] }, '/p/backend/src/x.log', false],
    ['**/ reaches any folder', { ignore: ['**/*.log'] }, '/p/backend/src/deep/x.log', false],
    ['a bare name is only the top one', { ignore: ['tmp'] }, '/p/backend/src/lib/tmp/x', true],
    ['a bare name and what is under it', { ignore: ['tmp'] }, '/p/backend/src/tmp/x', false],
    ['a class with [^…]', { ignore: ['v[^0-9]*'] }, '/p/backend/src/vx.js', false],
    ['[!…] is not a negation', { ignore: ['v[!0-9]*'] }, '/p/backend/src/vx.js', true],
    ['an exception inside an ignored folder', { ignore: ['gen', '!gen/keep.ts'] }, '/p/backend/src/gen/keep.ts', true],
    ['an ignored folder with an exception is still walked', { ignore: ['gen', '!gen/keep.ts'] }, '/p/backend/src/gen', true, true],
    ['ignored folder pattern', { ignore: ['dist/'] }, '/p/backend/src/dist/x.js', false],
    ['ignored folder itself', { ignore: ['dist/'] }, '/p/backend/src/dist', false, true],
    ['anchored ignore only at the root', { ignore: ['/gen'] }, '/p/backend/src/lib/gen', true],
    ['anchored ignore at the root', { ignore: ['/gen'] }, '/p/backend/src/gen', false],
    ['negated ignore', { ignore: ['*.log', '!keep.log'] }, '/p/backend/src/keep.log', true],
    ['include matches', { include: ['*.ts'] }, '/p/backend/src/a/b.ts', true],
    ['include does not match', { include: ['*.ts'] }, '/p/backend/src/a/b.css', false],
    ['include keeps folders walkable', { include: ['*.ts'] }, '/p/backend/src/a', true, true],
    ['node_modules ignored by default', {}, '/p/backend/src/node_modules/x/index.js', false],
    ['.git ignored by default', {}, '/p/backend/src/.git/HEAD', false],
    ['node_modules explicitly included', { include: ['node_modules/**'] }, '/p/backend/src/node_modules/x/index.js', true],
    ['node_modules re-included by a negation', { ignore: ['!node_modules'] }, '/p/backend/src/node_modules/x.js', true],
    ['a file rule', { path: '/p/backend/package.json', action: 'rebuild' }, '/p/backend/package.json', true],
  ])('%s', (_name, over, file, want, isDir) => {
    expect(new WatchRuleMatcher('backend', rule(over)).applies(file, isDir ?? false)).toBe(want);
  });

  it('applies the build context’s .dockerignore', () => {
    const m = new WatchRuleMatcher('backend', rule(), { dockerignore: { contextDir: '/p/backend', patterns: ['src/secret', '**/*.tmp', '!src/keep.tmp'] } });
    expect(m.applies('/p/backend/src/secret/key')).toBe(false);
    expect(m.applies('/p/backend/src/x.tmp')).toBe(false);
    expect(m.applies('/p/backend/src/keep.tmp')).toBe(true);
    expect(m.applies('/p/backend/src/app.ts')).toBe(true);
  });

  it('computes targets', () => {
    const m = new WatchRuleMatcher('backend', rule());
    expect(m.targetOf('/p/backend/src/a/b.ts')).toBe('/app/src/a/b.ts');
    expect(m.targetOf('/p/backend/src')).toBe('/app/src');
    expect(() => m.targetOf('/elsewhere')).toThrow();
  });
});

describe('skips (the watcher’s ignored test)', () => {
  const backend = new WatchRuleMatcher('backend', rule({ ignore: ['dist/'] }));
  const web = new WatchRuleMatcher('web', rule({ path: '/p/web', target: '/app' }));
  const skips = skipsForAll([backend, web], ['/p/compose.yaml']);

  it('never walks node_modules, and skips what every rule ignores', () => {
    expect(skips('/p/web/node_modules', true)).toBe(true);
    expect(skips('/p/web/node_modules', undefined)).toBe(true);
    expect(skips('/p/backend/src/dist', true)).toBe(true);
    expect(skips('/p/backend/src/index.ts', false)).toBe(false);
  });

  it('keeps the folders on the way to a rule and the extra files', () => {
    expect(skips('/p', true)).toBe(false);
    expect(skips('/p/backend', true)).toBe(false);
    expect(skips('/p/compose.yaml', false)).toBe(false);
    expect(skips('/p/backend/README.md', false)).toBe(true);
    expect(skips('/other', true)).toBe(true);
  });
});
