// Shell completion through the built CLI in real bash, zsh and fish: commands, flags, an option flag's values, and
// the project's service names (`devstack logs ba<TAB>`), read from the compose file with no engine to ask.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './support/cli.js';

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dscompl-'));
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  backend:\n    image: x:1\n  bar:\n    image: y:1\n  cache:\n    image: redis:7-alpine\n');
  // `devstack` on PATH, as an installed CLI is; the engine address leads nowhere: completion must not need it
  writeFileSync(join(dir, 'devstack'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'devstack'), 0o755);
  env = { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir, DOCKER_HOST: 'unix:///nonexistent/docker.sock', NO_COLOR: '1' };
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sh = (shell: string, script: string): string[] =>
  execFileSync(shell, ['-c', script], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 }).split('\n').filter((l) => l !== '');

/** bash: what COMPREPLY holds for the words typed so far (the last one is being completed). */
const bash = (...words: string[]) =>
  sh('bash', `source <(devstack completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _devstack; printf '%s\\n' "\${COMPREPLY[@]}"`);

/** zsh: _devstack with compadd/_describe recording what they are offered (zsh's completion widgets need a terminal). */
const zsh = (...words: string[]) =>
  sh(
    'zsh',
    [
      'compdef() { :; }',
      "compadd() { [[ $1 == -- ]] && shift; print -l -- \"$@\"; }",
      "_describe() { local -a list; list=(\"${(@P)${@[-1]}}\"); print -l -- \"${list[@]%%:*}\"; }",
      'source <(devstack completion zsh)',
      `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; PREFIX='${words.at(-1)}'`,
      '_devstack',
    ].join('\n'),
  ).filter((c) => c.startsWith(words.at(-1)!));

/** fish: its own `complete -C`, candidates without descriptions. */
const fish = (line: string) => sh('fish', `devstack completion fish | source; complete -C '${line}'`).map((l) => l.split('\t')[0]!);

describe('shell completion (built CLI, real shells)', () => {
  it('complete-services reads the compose file only: the names, with no engine reachable', () => {
    expect(sh('sh', 'devstack complete-services')).toEqual(['backend', 'bar', 'cache']);
  });

  it('bash: commands, flags, option values, and service names', () => {
    expect(bash('devstack', 'u')).toEqual(['up']);
    expect(bash('devstack', 'logs', 'ba')).toEqual(['backend', 'bar']);
    expect(bash('devstack', 'up', '--bu')).toEqual(['--build']);
    expect(bash('devstack', 'doctor', '--format', 's')).toEqual(['sarif']);
    expect(bash('devstack', 'reset-db', '--re')).toEqual(['--redis']);
    expect(bash('devstack', 'down', '-t', '')).toEqual([]); // -t takes a number here
  });

  it('zsh: commands, flags, option values, and service names', () => {
    expect(zsh('devstack', 're')).toEqual(['reset-db']);
    expect(zsh('devstack', 'logs', 'ba')).toEqual(['backend', 'bar']);
    expect(zsh('devstack', 'up', '--force')).toEqual(['--force-recreate']);
    expect(zsh('devstack', 'doctor', '--format', 'sa')).toEqual(['sarif']);
  });

  it('fish: commands, flags, option values, and service names', () => {
    expect(fish('devstack do')).toEqual(expect.arrayContaining(['doctor', 'down']));
    expect(fish('devstack logs ba')).toEqual(['backend', 'bar']);
    expect(fish('devstack up --wat')).toEqual(['--watch']);
    expect(fish('devstack doctor --format s')).toEqual(['sarif']);
  });
});
