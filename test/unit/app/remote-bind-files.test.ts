import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { putFile } from '../../../src/app/remote-bind-volumes.js';
import type { Engine } from '../../../src/core/engine.js';
import { DevstackError } from '../../../src/core/errors.js';

/** An engine whose containers have only the folders listed; putArchive into another is a 404. */
function engineWith(folders: string[]): { engine: Engine; puts: { dir: string; entry: string }[] } {
  const puts: { dir: string; entry: string }[] = [];
  const engine = {
    putArchive: async (_id: string, dir: string, tar: Readable) => {
      const entry = (await tar.toArray()).join('');
      if (!folders.includes(dir)) throw new DevstackError('not-found', `copy files into container c at ${dir}: Could not find the file ${dir} in container c`);
      puts.push({ dir, entry });
    },
  } as unknown as Engine;
  return { engine, puts };
}

describe('putFile', () => {
  it('extracts into the target folder when the image has it', async () => {
    const { engine, puts } = engineWith(['/', '/etc', '/etc/nginx']);
    await putFile(engine, 'c', '/etc/nginx/nginx.conf', (entry) => Promise.resolve(Readable.from([entry])));
    expect(puts).toEqual([{ dir: '/etc/nginx', entry: 'nginx.conf' }]);
  });

  it('roots the tar at the nearest folder the image has, the missing ones as entries', async () => {
    const { engine, puts } = engineWith(['/', '/etc']);
    await putFile(engine, 'c', '/etc/app/conf.d/app.conf', (entry) => Promise.resolve(Readable.from([entry])));
    expect(puts).toEqual([{ dir: '/etc', entry: 'app/conf.d/app.conf' }]);
  });

  it('another error is not retried', async () => {
    const engine = { putArchive: () => Promise.reject(new DevstackError('engine', 'container rootfs is marked read-only')) } as unknown as Engine;
    await expect(putFile(engine, 'c', '/etc/x.conf', () => Promise.resolve(Readable.from(['x'])))).rejects.toThrow(/read-only/);
  });
});
