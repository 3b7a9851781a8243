// oclif finds commands through commands/index.ts (explicit discovery, for start-up): a command file that is not
// registered there would silently not exist. Every file in commands/ is a registered command under its own name.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../commands/index.js';

describe('command registry', () => {
  it('registers every file of commands/ under its file name', async () => {
    const dir = fileURLToPath(new URL('../../../commands/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    expect(Object.keys(COMMANDS).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());
    for (const file of files) {
      const { default: command } = (await import(`../../../commands/${file.replace(/\.ts$/, '.js')}`)) as { default: unknown };
      expect(COMMANDS[file.replace(/\.ts$/, '') as keyof typeof COMMANDS]).toBe(command);
    }
  });
});
