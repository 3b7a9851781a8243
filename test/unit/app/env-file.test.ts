import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENV_FILE_MARKER, writeEnvFile } from '../../../src/app/env-file.js';
import { DevstackError } from '../../../src/core/errors.js';

let dir: string;
const text = (value: string) => `${ENV_FILE_MARKER} for project p; devstack env --output rewrites it.\nA=${value}\n`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dsenv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeEnvFile', () => {
  it('creates a new file, readable by its owner only, and leaves no temp file', async () => {
    const file = join(dir, '.env.devstack');
    await writeEnvFile(file, text('1'), { force: false });
    expect(readFileSync(file, 'utf8')).toBe(text('1'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['.env.devstack']);
  });

  it('replaces a file it wrote before', async () => {
    const file = join(dir, 'out.env');
    await writeEnvFile(file, text('1'), { force: false });
    await writeEnvFile(file, text('2'), { force: false });
    expect(readFileSync(file, 'utf8')).toBe(text('2'));
  });

  it('refuses to overwrite a file devstack did not write, unless forced', async () => {
    const file = join(dir, '.env');
    writeFileSync(file, 'SECRET=mine\n');
    const error = await writeEnvFile(file, text('1'), { force: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevstackError);
    expect((error as DevstackError).kind).toBe('usage');
    expect((error as DevstackError).message).toBe(`${file} exists and was not written by devstack env; not overwriting it`);
    expect((error as DevstackError).hint).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('SECRET=mine\n');

    await writeEnvFile(file, text('1'), { force: true });
    expect(readFileSync(file, 'utf8')).toBe(text('1'));
  });

  it('a folder that does not exist is a usage error naming the file', async () => {
    const file = join(dir, 'missing', 'x.env');
    await expect(writeEnvFile(file, text('1'), { force: false })).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining(`cannot write ${file}`) });
  });
});
