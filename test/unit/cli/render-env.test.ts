import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ENV_FILE_MARKER } from '../../../src/app/env-file.js';
import { dotenvQuote, renderEnv, shellQuote } from '../../../src/cli/render-env.js';
import { parseDotenv } from '../../../src/compose/dotenv.js';

const entries = [
  { key: 'DATABASE_URL', value: 'postgresql://app:secret@127.0.0.1:5438/app' },
  { key: 'DB_PORT_5432', value: '5438' },
];
const awkward = ['', 'plain', 'two words', "it's", 'a"b', 'dollar $HOME ${X}', 'hash # not a comment', 'back\\slash', 'line\nbreak', "mix 'q' \"d\" $v\n\\", ' lead', 'tab\there'];

describe('renderEnv', () => {
  it('dotenv: the marker line, then KEY=VALUE', () => {
    expect(renderEnv(entries, 'dotenv', 'shop')).toBe(
      `${ENV_FILE_MARKER} for project shop; devstack env --output rewrites it.\nDATABASE_URL=postgresql://app:secret@127.0.0.1:5438/app\nDB_PORT_5432=5438\n`,
    );
  });

  it('shell: export with single quotes', () => {
    expect(renderEnv(entries, 'shell', 'shop').split('\n').slice(1)).toEqual([
      "export DATABASE_URL='postgresql://app:secret@127.0.0.1:5438/app'",
      "export DB_PORT_5432='5438'",
      '',
    ]);
  });

  it('json: one object, no marker', () => {
    expect(JSON.parse(renderEnv(entries, 'json', 'shop'))).toEqual({ DATABASE_URL: entries[0]!.value, DB_PORT_5432: '5438' });
  });

  it('dotenv values read back unchanged by the compose .env parser', () => {
    const text = renderEnv(awkward.map((value, i) => ({ key: `K${i}`, value })), 'dotenv', 'p');
    const parsed = parseDotenv(text, '.env', () => undefined);
    expect(parsed.issues).toEqual([]);
    expect(Object.values(parsed.values)).toEqual(awkward);
  });

  it('shell values read back unchanged by sh', () => {
    const text = renderEnv(awkward.map((value, i) => ({ key: `K${i}`, value })), 'shell', 'p');
    const script = `${text}\nfor k in ${awkward.map((_, i) => `K${i}`).join(' ')}; do eval "printf '%s\\\\0' \\"\\$$k\\""; done`;
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(awkward);
  });

  it('quotes only when needed', () => {
    expect(dotenvQuote('redis://127.0.0.1:6380')).toBe('redis://127.0.0.1:6380');
    expect(dotenvQuote('a b')).toBe("'a b'");
    expect(dotenvQuote("it's $x")).toBe('"it\'s \\$x"');
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
