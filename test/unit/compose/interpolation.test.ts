import { describe, expect, it } from 'vitest';
import { InterpolationError, interpolateText } from '../../../src/compose/interpolation.js';

const env: Record<string, string> = { NAME: 'web', EMPTY: '', PORT: '5432', B: 'bee', A_1: 'x' };
const lookup = (name: string): string | undefined => env[name];

describe('interpolateText', () => {
  const rows: [string, string][] = [
    ['plain text', 'plain text'],
    ['$NAME', 'web'],
    ['${NAME}', 'web'],
    ['pre-$NAME-post', 'pre-web-post'],
    ['${NAME}suffix', 'websuffix'],
    ['$NAMEsuffix', ''],
    ['$A_1', 'x'],
    ['${UNSET}', ''],
    ['$UNSET', ''],
    ['${UNSET:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${NAME:-def}', 'web'],
    ['${UNSET-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${NAME-def}', 'web'],
    ['${UNSET:-}', ''],
    ['${NAME:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:+alt}', ''],
    ['${NAME+alt}', 'alt'],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${NAME:?boom}', 'web'],
    ['${EMPTY?boom}', ''],
    ['${UNSET:-${B}}', 'bee'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a${B}c}', 'abeec'],
    ['${NAME:+${PORT}}', '5432'],
    ['${UNSET:-${NAME:+x${B}y}}', 'xbeey'],
    ['$$', '$'],
    ['$$NAME', '$NAME'],
    ['$${NAME}', '${NAME}'],
    ['a $$ b', 'a $ b'],
    ['${UNSET:-$$}', '$'],
    ['${UNSET:-{}}', '{}'],
    ['host:${PORT}:${PORT}', 'host:5432:5432'],
    ['{not a var}', '{not a var}'],
    ['${UNSET:-a:b-c}', 'a:b-c'],
    ['${UNSET:-${B}}}', 'bee}'],
    ['${NAME:-${UNSET:?never evaluated}}', 'web'],
  ];

  it.each(rows)('%s → %s', (input, expected) => {
    expect(interpolateText(input, lookup).value).toBe(expected);
  });

  it('reports variables read while unset', () => {
    expect(interpolateText('${A_UNSET} $B_UNSET ${C_UNSET:-x}', lookup).unset).toEqual(['A_UNSET', 'B_UNSET']);
  });

  const errors: [string, string][] = [
    ['${UNSET:?must be set}', 'required variable UNSET is missing a value: must be set'],
    ['${EMPTY:?must be set}', 'required variable EMPTY is missing a value: must be set'],
    ['${UNSET?boom}', 'required variable UNSET is missing a value: boom'],
    ['${UNSET:?}', 'required variable UNSET is missing a value'],
    ['${UNSET:-${INNER:?nested}}', 'required variable INNER is missing a value: nested'],
    ['${}', 'invalid interpolation format'],
    ['${NAME', 'invalid interpolation format'],
    ['${NAME:x}', 'invalid interpolation format'],
    ['${1ABC}', 'invalid interpolation format'],
    ['${NAME:-unclosed', 'invalid interpolation format'],
  ];
  it.each(errors)('%s fails: %s', (input, message) => {
    expect(() => interpolateText(input, lookup)).toThrow(InterpolationError);
    expect(() => interpolateText(input, lookup)).toThrow(message);
  });

  it('keeps a lone $ in lenient mode', () => {
    expect(interpolateText('pa$ 5$', lookup, { lenient: true }).value).toBe('pa$ 5$');
  });
});
