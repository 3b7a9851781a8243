import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../src/compose/dotenv.js';

const shell: Record<string, string> = { SHELL_VAR: 'from-shell' };
const parse = (text: string) => parseDotenv(text, '/p/.env', (name) => shell[name]);

describe('parseDotenv', () => {
  const rows: [string, Record<string, string>][] = [
    ['A=1', { A: '1' }],
    ['export A=1', { A: '1' }],
    ['A=', { A: '' }],
    ['A= spaced value  ', { A: 'spaced value' }],
    ['# comment\n\nA=1\n   # indented comment', { A: '1' }],
    ['A=value # trailing comment', { A: 'value' }],
    ['A=val#ue', { A: 'val#ue' }],
    ["A='single $SHELL_VAR \\n'", { A: 'single $SHELL_VAR \\n' }],
    ["A='a # not comment' # comment", { A: 'a # not comment' }],
    ['A="line1\\nline2\\ttab \\\\ \\" end"', { A: 'line1\nline2\ttab \\ " end' }],
    ['A="x ${SHELL_VAR} y"', { A: 'x from-shell y' }],
    ['A=${SHELL_VAR}', { A: 'from-shell' }],
    ['A=first\nB=${A}-second', { A: 'first', B: 'first-second' }],
    ['A=1\nB="${A:-d} ${MISSING:-d}"', { A: '1', B: '1 d' }],
    ['A="multi\nline"', { A: 'multi\nline' }],
    ['A=1\r\nB=2\r\n', { A: '1', B: '2' }],
    ['SHELL_VAR', { SHELL_VAR: 'from-shell' }],
    ['NOT_IN_SHELL', {}],
    ['A=p$ss', { A: 'p' }],
    ['A=pa$ 1', { A: 'pa$ 1' }],
    ['A="\\$LITERAL"', { A: '$LITERAL' }],
    ['A=x=y=z', { A: 'x=y=z' }],
    ['A.B-C=1', { 'A.B-C': '1' }],
  ];
  it.each(rows)('%j', (text, expected) => {
    const result = parse(text);
    expect(result.issues).toEqual([]);
    expect(result.values).toEqual(expected);
  });

  it('locates errors at file:line', () => {
    const result = parse('A=1\n\n1BAD=2\nB="unterminated\nC=3');
    expect(result.issues.map((i) => `${i.location.file}:${i.location.line}`)).toEqual(['/p/.env:3', '/p/.env:4']);
    expect(result.issues[0]!.message).toContain('invalid variable name');
    expect(result.issues[1]!.message).toContain('unterminated');
  });

  it('reports text after a closing quote and a required variable', () => {
    const result = parse('A="x"y\nB=${NOPE:?needed}');
    expect(result.issues.map((i) => i.location.line)).toEqual([1, 2]);
    expect(result.issues[1]!.message).toBe('required variable NOPE is missing a value: needed');
  });
});
