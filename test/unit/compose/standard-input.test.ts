// `-f -` (compose's docs: "Use a -f with - (dash) as the filename to read the configuration from stdin. When stdin
// is used all paths in the configuration are relative to the current working directory."): the project folder is
// the working directory (or --project-directory), the file merges in its -f place, locations read stdin:LINE:COL,
// and the text is read once.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverComposeFiles } from '../../../src/compose/discovery.js';
import { renderComposeConfig } from '../../../src/compose/render-config.js';
import { standardInputPath } from '../../../src/compose/standard-input.js';
import { composeErrorOf, loadIn, writeProject } from './temp-project.js';

/** A reader that hands out `text` and counts how often it is asked. */
function stdinOf(text: string): { read: () => string; reads: () => number } {
  let reads = 0;
  return {
    read: () => {
      reads++;
      return text;
    },
    reads: () => reads,
  };
}

describe('-f - (a compose file on standard input)', () => {
  it('needs no file named "-"; the project folder is the working directory', () => {
    const dir = writeProject({ 'other/base.yaml': 'services: {}\n' });
    expect(discoverComposeFiles(dir, ['-'])).toEqual({ files: [standardInputPath(dir)], projectDir: dir, warnings: [], standardInput: standardInputPath(dir) });
    // After another file, that file's folder stays the project folder.
    expect(discoverComposeFiles(dir, ['other/base.yaml', '-'])).toMatchObject({ projectDir: path.join(dir, 'other'), standardInput: standardInputPath(dir) });
  });

  it('resolves relative paths from the working directory and names the project after it', async () => {
    const dir = writeProject({ 'web/Dockerfile': 'FROM alpine\n', 'shared.env': 'GREETING=hi\n' }, 'shop');
    const stdin = stdinOf('services:\n  web:\n    build: ./web\n    env_file: shared.env\n    volumes: ["./data:/data"]\n');
    const p = await loadIn(dir, { files: ['-'], readStandardInput: stdin.read });
    expect(p.name).toBe('shop');
    expect(p.workingDir).toBe(dir);
    expect(p.services.web!.build!.context).toBe(path.join(dir, 'web'));
    expect(p.services.web!.environment).toEqual({ GREETING: 'hi' });
    expect(p.services.web!.volumes[0]).toMatchObject({ type: 'bind', source: path.join(dir, 'data'), target: '/data' });
    // Standard input is no file to watch; the env file is.
    expect(p.configFiles).toContain(path.join(dir, 'shared.env'));
    expect(p.configFiles).not.toContain(standardInputPath(dir));
  });

  it('errors and warnings in it read stdin:LINE:COL', async () => {
    const dir = writeProject({});
    const broken = await composeErrorOf(loadIn(dir, { files: ['-'], readStandardInput: stdinOf('services:\n  web:\n    image: alpine\n   ports: [\n').read }));
    expect(broken.message).toMatch(/^stdin:4:\d+: YAML syntax error: /);
    const invalid = await composeErrorOf(loadIn(dir, { files: ['-'], readStandardInput: stdinOf('services:\n  web:\n    image: alpine\n    tty: maybe\n').read }));
    expect(invalid.message).toContain('stdin:4:10: services.web.tty: "maybe" is not a boolean');
    const p = await loadIn(dir, { files: ['-'], readStandardInput: stdinOf('services:\n  web:\n    image: alpine:${TAG}\n').read });
    expect(p.warnings).toEqual(['stdin:3:12: variable "TAG" is not set; using an empty string']);
  });

  it('merges in its -f place, before or after other files', async () => {
    const dir = writeProject({ 'base.yaml': 'services:\n  web:\n    image: nginx\n    environment: { LEVEL: base, BASE: "1" }\n' });
    const override = 'services:\n  web:\n    environment: { LEVEL: stdin }\n';
    const after = await loadIn(dir, { files: ['base.yaml', '-'], readStandardInput: stdinOf(override).read });
    expect(after.services.web!.environment).toEqual({ LEVEL: 'stdin', BASE: '1' });
    const before = await loadIn(dir, { files: ['-', 'base.yaml'], readStandardInput: stdinOf(override).read });
    expect(before.services.web!.environment).toEqual({ LEVEL: 'base', BASE: '1' });
  });

  it('is read once, though the loader reads it for the project name and again for extends', async () => {
    const dir = writeProject({});
    const stdin = stdinOf('name: piped\nservices:\n  base:\n    image: alpine\n  web:\n    extends: base\n    command: ["true"]\n');
    const p = await loadIn(dir, { files: ['-'], readStandardInput: stdin.read });
    expect(p.name).toBe('piped');
    expect(p.services.web).toMatchObject({ image: 'alpine', command: ['true'] });
    expect(stdin.reads()).toBe(1);
    expect(renderComposeConfig(p, { showSecrets: false })).toMatchObject({ name: 'piped' });
  });

  it('includes and extends files relative to the working directory', async () => {
    const dir = writeProject({ 'parts/db.yaml': 'services:\n  db:\n    image: postgres\n', 'parts/common.yaml': 'services:\n  tool:\n    image: busybox\n' });
    const stdin = stdinOf('include: [parts/db.yaml]\nservices:\n  web:\n    extends: { file: parts/common.yaml, service: tool }\n');
    const p = await loadIn(dir, { files: ['-'], readStandardInput: stdin.read });
    expect(Object.keys(p.services).sort()).toEqual(['db', 'web']);
    expect(p.services.web!.image).toBe('busybox');
  });

  it('standard input that cannot be read is a located error', async () => {
    const dir = writeProject({});
    const err = await composeErrorOf(
      loadIn(dir, {
        files: ['-'],
        readStandardInput: () => {
          throw new Error('EISDIR: illegal operation on a directory, read');
        },
      }),
    );
    expect(err.message).toBe('stdin:1:1: cannot read the compose file from standard input: EISDIR: illegal operation on a directory, read');
  });

  it('--project-directory moves the project folder (paths, .env, name), for piped and discovered files alike', async () => {
    const dir = writeProject({ 'app/.env': 'TAG=3.19\n', 'app/compose.yaml': 'services:\n  web:\n    image: alpine:${TAG}\n    volumes: ["./data:/data"]\n' }, 'work');
    const appDir = path.join(dir, 'app');
    const piped = await loadIn(dir, { files: ['-'], projectDirectory: 'app', readStandardInput: stdinOf('services:\n  web:\n    image: alpine:${TAG}\n    volumes: ["./data:/data"]\n').read });
    expect(piped).toMatchObject({ name: 'app', workingDir: appDir });
    expect(piped.services.web).toMatchObject({ image: 'alpine:3.19', volumes: [{ source: path.join(appDir, 'data') }] });
    // Without -f the compose file is looked for in the project directory.
    const found = await loadIn(dir, { projectDirectory: 'app' });
    expect(found.composeFiles).toEqual([path.join(appDir, 'compose.yaml')]);
    expect(found.services.web!.image).toBe('alpine:3.19');
    // A -f file is still found from the working directory; its paths resolve from the project directory.
    const given = await loadIn(dir, { files: ['app/compose.yaml'], projectDirectory: '.' });
    expect(given).toMatchObject({ name: 'work', workingDir: dir });
    expect(given.services.web!.volumes[0]).toMatchObject({ source: path.join(dir, 'data') });
  });

  it('a --project-directory that is no folder is a usage error', () => {
    const dir = writeProject({ 'file.txt': '' });
    expect(() => discoverComposeFiles(dir, ['-'], 'nowhere')).toThrow(`project directory not found: nowhere (${path.join(dir, 'nowhere')})`);
    expect(() => discoverComposeFiles(dir, undefined, 'file.txt')).toThrow('project directory not found: file.txt');
  });
});
