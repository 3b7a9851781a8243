import { describe, expect, it } from 'vitest';
import { DockerignoreMatcher, readDockerignore } from '../../../src/engine/docker/dockerignore.js';

describe('readDockerignore', () => {
  it('drops comments and blanks, trims, cleans paths and leading slashes', () => {
    const text = '\uFEFF# comment\n\n  node_modules/  \n/dist\n!  /dist/keep.txt\n./a//b/../c\r\n #not a comment\n';
    expect(readDockerignore(text)).toEqual(['node_modules', 'dist', '!dist/keep.txt', 'a/c', '#not a comment']);
  });
});

describe('DockerignoreMatcher.isExcluded (Docker semantics)', () => {
  const cases: [string, string[], string, boolean][] = [
    // name, patterns, path, excluded?
    ['plain name at the root', ['secret.txt'], 'secret.txt', true],
    ['plain name is root-relative, not any depth', ['secret.txt'], 'sub/secret.txt', false],
    ['a folder excludes what is under it', ['node_modules'], 'node_modules/x/index.js', true],
    ['trailing slash still matches the folder', ['node_modules/'], 'node_modules/x/index.js', true],
    ['leading slash is the root', ['/dist'], 'dist/app.js', true],
    ['leading slash does not match deeper', ['/dist'], 'web/dist/app.js', false],
    ['* stays in one segment', ['*.log'], 'debug.log', true],
    ['* does not cross /', ['*.log'], 'logs/debug.log', false],
    ['*/ one level down', ['*/*.log'], 'logs/debug.log', true],
    ['** any depth', ['**/*.log'], 'a/b/c/debug.log', true],
    ['** also zero depth', ['**/*.log'], 'debug.log', true],
    ['** in the middle', ['src/**/test'], 'src/a/b/test/x.ts', true],
    ['** in the middle, zero folders', ['src/**/test'], 'src/test', true],
    ['trailing ** matches everything under', ['build/**'], 'build/x/y', true],
    ['? is one character', ['file?.txt'], 'file1.txt', true],
    ['? is not a slash', ['a?b'], 'a/b', false],
    ['character class', ['file[0-9].txt'], 'file7.txt', true],
    ['[^…] negates a class', ['file[^0-9].txt'], 'filex.txt', true],
    ['[^…] does not match what it names', ['file[^0-9].txt'], 'file7.txt', false],
    ['[!…] is not a negation: ! is one of the class', ['file[!0-9].txt'], 'filex.txt', false],
    ['[!…] matches a digit', ['file[!0-9].txt'], 'file7.txt', true],
    ['[!…] matches the !', ['file[!0-9].txt'], 'file!.txt', true],
    ['dots are literal', ['*.txt'], 'fileatxt', false],
    ['! re-includes', ['*.md', '!README.md'], 'README.md', false],
    ['! re-includes only what it names', ['*.md', '!README.md'], 'CHANGES.md', true],
    ['! re-includes under an excluded folder', ['docs', '!docs/keep.md'], 'docs/keep.md', false],
    ['the rest of that folder stays out', ['docs', '!docs/keep.md'], 'docs/other.md', true],
    ['last rule wins: exclude after include', ['!a.txt', 'a.txt'], 'a.txt', true],
    ['last rule wins: re-exclude', ['*.txt', '!a*.txt', 'ab.txt'], 'ab.txt', true],
    ['exception with wildcard', ['logs', '!logs/*.keep'], 'logs/x.keep', false],
    ['no patterns', [], 'anything', false],
    ['* alone excludes everything', ['*'], 'deep/file', true],
    ['* with an exception', ['*', '!src'], 'src/main.ts', false],
    ['regex metacharacters are literal', ['a+b(c).txt'], 'a+b(c).txt', true],
  ];
  it.each(cases)('%s', (_name, patterns, file, excluded) => {
    expect(new DockerignoreMatcher(readDockerignore(patterns.join('\n'))).isExcluded(file)).toBe(excluded);
  });
});

describe('DockerignoreMatcher.mayReincludeUnder', () => {
  it('walks into an excluded folder only when an exception starts with its path', () => {
    const m = DockerignoreMatcher.fromText('docs\n!docs/keep.md\nbuild\n');
    expect(m.mayReincludeUnder('docs')).toBe(true);
    expect(m.mayReincludeUnder('build')).toBe(false);
    expect(m.mayReincludeUnder('doc')).toBe(false);
  });

  it('keeping() always sends the Dockerfile and .dockerignore', () => {
    const m = DockerignoreMatcher.fromText('*\n').keeping(['.dockerignore', 'docker/Dockerfile']);
    expect(m.isExcluded('.dockerignore')).toBe(false);
    expect(m.isExcluded('docker/Dockerfile')).toBe(false);
    expect(m.isExcluded('docker/other')).toBe(true);
    expect(m.mayReincludeUnder('docker')).toBe(true);
  });
});
