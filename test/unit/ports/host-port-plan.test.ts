import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPortHolder, listeningInodes } from '../../../src/engine/ports/host-port-check.js';
import { defaultStateDir, parsePortMemory, PortMemory } from '../../../src/engine/ports/port-memory.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dsprobe-unit-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
// 5437 = 0x153D; 8080 = 0x1F90
const tcp4 =
  header +
  '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 11111 1 0000000000000000 100 0 0 10 0\n' +
  '   1: 0100007F:153D 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 22222 1 0000000000000000 20 4 30 10 -1\n';
const tcp6 =
  header +
  '   0: 00000000000000000000000000000000:153D 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 33333 1 0000000000000000 100 0 0 10 0\n';

async function fakeProc(): Promise<void> {
  await mkdir(path.join(root, 'net'), { recursive: true });
  await writeFile(path.join(root, 'net', 'tcp'), tcp4);
  await writeFile(path.join(root, 'net', 'tcp6'), tcp6);
  for (const [pid, comm, sockets] of [
    ['1', 'init', ['socket:[5]']],
    ['812', 'postgres', ['/dev/null', 'socket:[33333]']],
    ['900', 'node', ['socket:[11111]']],
  ] as const) {
    await mkdir(path.join(root, pid, 'fd'), { recursive: true });
    await writeFile(path.join(root, pid, 'comm'), `${comm}\n`);
    for (const [index, target] of sockets.entries()) await symlink(target, path.join(root, pid, 'fd', String(index)));
  }
}

describe('findPortHolder with a fake /proc', () => {
  it('maps a LISTEN socket (tcp6 here) to the pid and command', async () => {
    await fakeProc();
    expect(await findPortHolder(5437, root)).toEqual({ pid: 812, command: 'postgres' });
    expect(await findPortHolder(8080, root)).toEqual({ pid: 900, command: 'node' });
  });
  it('ignores non-listening sockets and unknown ports', async () => {
    await fakeProc();
    expect(listeningInodes(tcp4, 5437, 'tcp')).toEqual([]);
    expect(await findPortHolder(9999, root)).toBeUndefined();
  });
  it('is undefined when /proc is unreadable', async () => {
    expect(await findPortHolder(5437, path.join(root, 'missing'))).toBeUndefined();
  });
});

describe('PortMemory', () => {
  it('writes atomically, reads back, forgets, and reports other projects', async () => {
    const memory = new PortMemory(root);
    expect(await memory.read('shop')).toEqual({});
    await memory.write('shop', { 'postgres/5432/tcp': 5438 });
    await memory.write('blog', { 'redis/6379/tcp': 6380, 'dns/53/udp': 5354 });
    expect(await memory.read('shop')).toEqual({ 'postgres/5432/tcp': 5438 });
    expect(JSON.parse(await readFile(memory.fileOf('shop'), 'utf8'))).toEqual({ project: 'shop', ports: { 'postgres/5432/tcp': 5438 } });
    expect(await memory.portsOfOtherProjects('shop')).toEqual(
      new Map([
        ['tcp/6380', 'remembered by devstack project blog'],
        ['udp/5354', 'remembered by devstack project blog'],
      ]),
    );
    await memory.forget('shop');
    expect(await memory.read('shop')).toEqual({});
  });
  it('treats a corrupt file as no memory', async () => {
    const memory = new PortMemory(root);
    await mkdir(path.dirname(memory.fileOf('x')), { recursive: true });
    await writeFile(memory.fileOf('x'), '{not json');
    expect(await memory.read('x')).toEqual({});
  });
  it('state dir: DEVSTACK_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(defaultStateDir({ DEVSTACK_STATE_DIR: '/s', XDG_STATE_HOME: '/x' }, '/h')).toBe('/s');
    expect(defaultStateDir({ XDG_STATE_HOME: '/x' }, '/h')).toBe('/x/devstack');
    expect(defaultStateDir({}, '/h')).toBe('/h/.local/state/devstack');
  });
});

describe('PortMemory on a state path it cannot use: no memory and one warning, never an error or a hang', () => {
  it('drops remembered values that are not port numbers, naming them', () => {
    const parsed = parsePortMemory(JSON.stringify({ project: 'shop', ports: { 'db/5432/tcp': 99999, 'cache/6379/tcp': 6380, 'x/1/tcp': 0, 'y/2/tcp': '5' } }));
    expect(parsed).toEqual({
      memory: { project: 'shop', ports: { 'cache/6379/tcp': 6380 } },
      dropped: [
        'remembered port 99999 for db/5432/tcp (not a port number)',
        'remembered port 0 for x/1/tcp (not a port number)',
        'remembered port "5" for y/2/tcp (not a port number)',
      ],
    });
    expect(parsePortMemory('{not json')).toBe('not valid JSON');
    expect(parsePortMemory('[1, 2]')).toMatch(/^not a port memory/);
    expect(parsePortMemory('null')).toMatch(/^not a port memory/);
  });
  it('a corrupt port is dropped with a warning, the rest is kept', async () => {
    const memory = new PortMemory(root);
    await mkdir(path.dirname(memory.fileOf('shop')), { recursive: true });
    await writeFile(memory.fileOf('shop'), JSON.stringify({ project: 'shop', ports: { 'db/5432/tcp': 99999, 'cache/6379/tcp': 6380 } }));
    expect(await memory.read('shop')).toEqual({ 'cache/6379/tcp': 6380 });
    expect(memory.warnings).toEqual([`ignored remembered port 99999 for db/5432/tcp (not a port number) in ${memory.fileOf('shop')}`]);
  });
  it('a FIFO where the file should be is not opened for a blocking read', async () => {
    const memory = new PortMemory(root);
    await mkdir(path.dirname(memory.fileOf('shop')), { recursive: true });
    execFileSync('mkfifo', [memory.fileOf('shop')]);
    expect(await memory.read('shop')).toEqual({});
    expect(await memory.portsOfOtherProjects('blog')).toEqual(new Map());
    await memory.write('shop', { 'db/5432/tcp': 5433 });
    await memory.forget('shop');
    expect((await lstat(memory.fileOf('shop'))).isFIFO()).toBe(true);
    expect(memory.warnings).toEqual([
      `ignored ${memory.fileOf('shop')}: not a regular file; remembered ports are not used`,
      `left ${memory.fileOf('shop')} alone: not a regular file; remembered ports are not kept`,
    ]);
  });
  it('a folder where the file should be, and a state dir that is a file: warned once each, writes do not throw', async () => {
    const memory = new PortMemory(root);
    await mkdir(memory.fileOf('shop'), { recursive: true });
    expect(await memory.read('shop')).toEqual({});
    expect(await memory.read('shop')).toEqual({});
    expect(memory.warnings).toEqual([`ignored ${memory.fileOf('shop')}: not a regular file; remembered ports are not used`]);

    await writeFile(path.join(root, 'file'), 'x');
    const blocked = new PortMemory(path.join(root, 'file'));
    expect(await blocked.read('shop')).toEqual({});
    await blocked.write('shop', { 'db/5432/tcp': 5433 });
    await blocked.write('shop', { 'db/5432/tcp': 5433 });
    await blocked.forget('shop');
    expect(blocked.warnings).toEqual([
      `cannot read ${blocked.fileOf('shop')} (ENOTDIR); remembered ports are not used`,
      `cannot remember the port remaps in ${blocked.fileOf('shop')} (ENOTDIR); they may change on the next run`,
    ]);
  });
});
