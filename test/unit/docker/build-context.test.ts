import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DevstackError } from '../../../src/core/errors.js';
import { createBuildContext, resolveBuildPaths } from '../../../src/engine/docker/build-context.js';

interface TarItem {
  type: string;
  mode: number;
  linkname?: string;
  content: string;
}

async function readTar(stream: Readable): Promise<Map<string, TarItem>> {
  const items = new Map<string, TarItem>();
  const extract = tarStream.extract();
  stream.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const h = entry.header;
    items.set(h.name, { type: h.type, mode: h.mode, content: Buffer.concat(chunks).toString(), ...(h.linkname ? { linkname: h.linkname } : {}) });
  }
  return items;
}

async function expectRefused(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DevstackError);
  expect((err as DevstackError).kind).toBe('compose');
  expect((err as DevstackError).message).toMatch(pattern);
  expect((err as DevstackError).hint).toBeTruthy();
}

let root: string;
let project: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'dsadapter-ctx-'));
  project = path.join(root, 'project');
  await mkdir(path.join(project, 'app', 'src'), { recursive: true });
  await writeFile(path.join(project, 'app', 'Dockerfile'), 'FROM scratch\n');
  await writeFile(path.join(project, 'app', 'src', 'main.js'), 'console.log(1)\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createBuildContext', () => {
  it('sends files with their modes, folders, and inside symlinks as symlinks', async () => {
    const app = path.join(project, 'app');
    await writeFile(path.join(app, 'run.sh'), '#!/bin/sh\necho hi\n');
    await chmod(path.join(app, 'run.sh'), 0o755);
    await writeFile(path.join(app, 'private.txt'), 'p');
    await chmod(path.join(app, 'private.txt'), 0o600);
    await symlink('src/main.js', path.join(app, 'main-link.js'));
    await mkdir(path.join(app, 'empty'));

    const items = await readTar(await createBuildContext({ context: app, dockerfile: 'Dockerfile' }));
    expect(items.get('run.sh')).toMatchObject({ type: 'file', mode: 0o755, content: '#!/bin/sh\necho hi\n' });
    expect(items.get('private.txt')).toMatchObject({ type: 'file', mode: 0o600 });
    expect(items.get('main-link.js')).toMatchObject({ type: 'symlink', linkname: 'src/main.js' });
    expect(items.get('empty')).toMatchObject({ type: 'directory' });
    expect(items.get('src/main.js')?.content).toBe('console.log(1)\n');
    expect(items.get('Dockerfile')?.content).toBe('FROM scratch\n');
  });

  it('honours .dockerignore, and always sends the Dockerfile and .dockerignore', async () => {
    const app = path.join(project, 'app');
    await writeFile(path.join(app, '.dockerignore'), '*\n!src\nsrc/*.secret\n!src/ok.secret\n');
    await writeFile(path.join(app, 'src', 'a.secret'), 's');
    await writeFile(path.join(app, 'src', 'ok.secret'), 'ok');
    await mkdir(path.join(app, 'node_modules', 'x'), { recursive: true });
    await writeFile(path.join(app, 'node_modules', 'x', 'index.js'), '');

    const items = await readTar(await createBuildContext({ context: app, dockerfile: 'Dockerfile' }));
    expect([...items.keys()].sort()).toEqual(['.dockerignore', 'Dockerfile', 'src', 'src/main.js', 'src/ok.secret']);
  });

  it('re-includes a file under an excluded folder, without the rest of it', async () => {
    const app = path.join(project, 'app');
    await mkdir(path.join(app, 'docs'));
    await writeFile(path.join(app, 'docs', 'keep.md'), 'k');
    await writeFile(path.join(app, 'docs', 'drop.md'), 'd');
    await writeFile(path.join(app, '.dockerignore'), 'docs\n!docs/keep.md\n');
    const items = await readTar(await createBuildContext({ context: app, dockerfile: 'Dockerfile' }));
    expect(items.has('docs/keep.md')).toBe(true);
    expect(items.has('docs/drop.md')).toBe(false);
  });

  it('sends a Dockerfile kept outside the context under its own name', async () => {
    await writeFile(path.join(project, 'Dockerfile.app'), 'FROM scratch\nCOPY . /\n');
    const req = { context: path.join(project, 'app'), dockerfile: '../Dockerfile.app' };
    const paths = await resolveBuildPaths(req);
    const items = await readTar(await createBuildContext(req));
    expect(items.get(paths.dockerfileInContext)?.content).toBe('FROM scratch\nCOPY . /\n');
  });

  it('builds a context above the compose file\'s folder, as written (the monorepo layout docker/compose.yaml, context: ..)', async () => {
    // project = <root>/project holds app/; the compose file would sit in project/docker with `context: ..`.
    await mkdir(path.join(project, 'docker'));
    await writeFile(path.join(project, 'docker', 'Dockerfile'), 'FROM scratch\n');
    const items = await readTar(await createBuildContext({ context: path.join(project, 'docker', '..'), dockerfile: 'docker/Dockerfile' }));
    expect(items.get('docker/Dockerfile')?.content).toBe('FROM scratch\n');
    expect(items.has('app/Dockerfile')).toBe(true);
  });

  it('builds a context reached through a symlink, as written', async () => {
    await mkdir(path.join(root, 'elsewhere'));
    await writeFile(path.join(root, 'elsewhere', 'Dockerfile'), 'FROM scratch\n');
    await symlink(path.join(root, 'elsewhere'), path.join(project, 'linked'));
    const items = await readTar(await createBuildContext({ context: path.join(project, 'linked'), dockerfile: 'Dockerfile' }));
    expect(items.get('Dockerfile')?.content).toBe('FROM scratch\n');
  });

  it('refuses a symlink inside the context that leads out of it', async () => {
    await writeFile(path.join(root, 'secret'), 'top secret');
    await symlink('../../../secret', path.join(project, 'app', 'src', 'leak'));
    await expectRefused(createBuildContext({ context: path.join(project, 'app'), dockerfile: 'Dockerfile' }), /symlink .*leak .* leads out of the build context/);
    await rm(path.join(project, 'app', 'src', 'leak'));
    await symlink('/etc/passwd', path.join(project, 'app', 'src', 'abs-leak'));
    await expectRefused(createBuildContext({ context: path.join(project, 'app'), dockerfile: 'Dockerfile' }), /abs-leak/);
    await rm(path.join(project, 'app', 'src', 'abs-leak'));
    // Out of the context is out, even when it stays inside the project.
    await writeFile(path.join(project, 'shared.txt'), 'shared');
    await symlink('../../shared.txt', path.join(project, 'app', 'src', 'sibling'));
    await expectRefused(createBuildContext({ context: path.join(project, 'app'), dockerfile: 'Dockerfile' }), /sibling/);
  });

  it('sends a symlink that stays inside the context as a link', async () => {
    await symlink('../Dockerfile', path.join(project, 'app', 'src', 'df-link'));
    const items = await readTar(await createBuildContext({ context: path.join(project, 'app'), dockerfile: 'Dockerfile' }));
    expect(items.has('src/df-link')).toBe(true);
  });

  it('does not judge an ignored symlink', async () => {
    await symlink('/etc/passwd', path.join(project, 'app', 'ignored-link'));
    await writeFile(path.join(project, 'app', '.dockerignore'), 'ignored-link\n');
    const items = await readTar(await createBuildContext({ context: path.join(project, 'app'), dockerfile: 'Dockerfile' }));
    expect(items.has('ignored-link')).toBe(false);
  });

  it('names a missing context', async () => {
    await expectRefused(
      createBuildContext({ context: path.join(project, 'nope'), dockerfile: 'Dockerfile' }),
      /build context .*nope does not exist/,
    );
  });

  it('streams a big file without holding the tree in memory', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    await writeFile(path.join(project, 'app', 'big.bin'), big);
    const items = await readTar(await createBuildContext({ context: path.join(project, 'app'), dockerfile: 'Dockerfile' }));
    expect(items.get('big.bin')?.content.length).toBe(big.length);
  });
});
