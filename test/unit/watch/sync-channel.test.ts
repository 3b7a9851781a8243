// The sync helper script and its protocol, run by a local sh (the container's part played by this machine).
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildArchive } from '../../../src/engine/watch/container-sync.js';
import { ContainerSyncChannel, SyncChannelBroken, SyncChannelUnsupported, SyncCommandFailed, type HelperWait } from '../../../src/engine/watch/sync-channel.js';
import { localShellEngine } from './local-shell-engine.js';

let host: string;
let target: string;
const channels: ContainerSyncChannel[] = [];
const limit = (): HelperWait => ({ signal: new AbortController().signal, limitMs: 5_000 });

beforeEach(async () => {
  host = await mkdtemp(path.join(tmpdir(), 'dswperf-channel-host-'));
  target = await mkdtemp(path.join(tmpdir(), 'dswperf-channel-target-'));
});

afterEach(async () => {
  for (const c of channels.splice(0)) c.close();
  await rm(host, { recursive: true, force: true });
  await rm(target, { recursive: true, force: true });
});

async function open(engine = localShellEngine().engine): Promise<ContainerSyncChannel> {
  const channel = await ContainerSyncChannel.open(engine, 'c1', AbortSignal.timeout(5_000));
  channels.push(channel);
  return channel;
}

describe('ContainerSyncChannel', () => {
  it('starts the helper as root and passes its self-test', async () => {
    const local = localShellEngine();
    const channel = await open(local.engine);
    expect(channel.isOpen).toBe(true);
    expect(local.opened[0]?.slice(0, 2)).toEqual(['sh', '-c']);
  });

  it('extracts batches (contents, modes, folders) and removes paths, one answer per frame', async () => {
    const channel = await open();
    await mkdir(path.join(host, 'sub'));
    await writeFile(path.join(host, 'a.txt'), 'alpha\n');
    await writeFile(path.join(host, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(path.join(host, 'sub', 'b.bin'), Buffer.from([0, 1, 2, 10, 13, 255]));
    const copies = ['a.txt', 'run.sh', 'sub', 'sub/b.bin'].map((p) => ({ hostPath: path.join(host, p), containerPath: path.join(target, p) }));
    const { archive } = await buildArchive(copies);
    await channel.extract(archive, limit());
    expect(await readFile(path.join(target, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect((await stat(path.join(target, 'run.sh'))).mode & 0o777).toBe(0o755);
    expect([...(await readFile(path.join(target, 'sub', 'b.bin')))]).toEqual([0, 1, 2, 10, 13, 255]);

    // Frames written back to back keep their boundaries.
    await writeFile(path.join(host, 'a.txt'), 'beta\n');
    const again = await buildArchive([copies[0]!]);
    await Promise.all([
      channel.remove([path.join(target, 'sub'), path.join(target, 'name with spaces ')], limit()),
      channel.extract(again.archive, limit()),
    ]);
    expect(await readFile(path.join(target, 'a.txt'), 'utf8')).toBe('beta\n');
    await expect(stat(path.join(target, 'sub'))).rejects.toThrow(/ENOENT/);
  });

  it('reports a failing command with its exit code and stderr, and stays usable', async () => {
    const channel = await open();
    await writeFile(path.join(target, 'file'), 'x');
    await writeFile(path.join(host, 'c.txt'), 'c');
    const { archive } = await buildArchive([{ hostPath: path.join(host, 'c.txt'), containerPath: path.join(target, 'file', 'c.txt') }]);
    const err = await channel.extract(archive, limit()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncCommandFailed);
    expect((err as SyncCommandFailed).exitCode).not.toBe(0);
    expect((err as SyncCommandFailed).stderr).toMatch(/file/);
    await channel.remove([path.join(target, 'file')], limit());
    await expect(stat(path.join(target, 'file'))).rejects.toThrow(/ENOENT/);
  });

  it('breaks when the helper ends (a container restart), failing what waits', async () => {
    const local = localShellEngine();
    const channel = await open(local.engine);
    local.processes[0]!.kill();
    await expect(channel.remove([path.join(target, 'x')], limit())).rejects.toBeInstanceOf(SyncChannelBroken);
    expect(channel.isOpen).toBe(false);
  });

  it('does not open where the helper cannot run (no sh, tar, …) or the engine cannot stream', async () => {
    const noTar = localShellEngine({ wrap: (cmd) => ['env', 'PATH=/nonexistent', '/bin/sh', ...cmd.slice(1)] });
    await expect(open(noTar.engine)).rejects.toBeInstanceOf(SyncChannelUnsupported);
    await expect(open(localShellEngine({ streams: false }).engine)).rejects.toBeInstanceOf(SyncChannelUnsupported);
  });

  it('gives up the stream when the wait is interrupted, or no answer comes within the limit', async () => {
    const channel = await open();
    const interrupted = new AbortController();
    const waiting = channel.remove([path.join(target, 'x')], { signal: interrupted.signal, limitMs: 5_000 });
    interrupted.abort();
    await expect(waiting).rejects.toBeInstanceOf(SyncChannelBroken);
    expect(channel.isOpen).toBe(false);

    const slowRm = localShellEngine({ wrap: (cmd) => ['sh', '-c', cmd[2]!.replace('rm -rf -- "$@" 2>&1', '[ "$seq" -gt 2 ] && sleep 2; rm -rf -- "$@" 2>&1')] });
    const slow = await open(slowRm.engine);
    await expect(slow.remove([path.join(target, 'x')], { signal: new AbortController().signal, limitMs: 100 })).rejects.toThrow(/no answer .* within 100 ms/);
    expect(slow.isOpen).toBe(false);
  });
});
