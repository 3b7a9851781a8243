// A digest of host files (the init scripts a Postgres container runs on first start): every file under the
// given paths, by relative path, mode and content. A path that is gone digests as such.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export async function digestHostPaths(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const root of [...paths].sort()) {
    hash.update(`root\0${root}\0`);
    await addTree(hash, root, '');
  }
  return hash.digest('hex');
}

async function addTree(hash: ReturnType<typeof createHash>, root: string, rel: string): Promise<void> {
  const full = path.join(root, rel);
  const info = await stat(full).catch(() => undefined);
  if (!info) {
    hash.update(`missing\0${rel}\0`);
    return;
  }
  if (info.isDirectory()) {
    for (const name of (await readdir(full)).sort()) await addTree(hash, root, path.join(rel, name));
    return;
  }
  hash.update(`file\0${rel}\0${info.mode & 0o777}\0`);
  hash.update(await readFile(full));
}
