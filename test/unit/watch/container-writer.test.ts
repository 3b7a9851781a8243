// Which way a batch goes: the sync channel when it works, putArchive + exec when it cannot or breaks.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerWriter } from '../../../src/engine/watch/container-writer.js';
import { localShellEngine } from './local-shell-engine.js';

let host: string;
let target: string;
const writers: ContainerWriter[] = [];

beforeEach(async () => {
  host = await mkdtemp(path.join(tmpdir(), 'dswperf-writer-host-'));
  target = await mkdtemp(path.join(tmpdir(), 'dswperf-writer-target-'));
  await writeFile(path.join(host, 'a.txt'), 'one\n');
});

afterEach(async () => {
  for (const w of writers.splice(0)) w.close();
  await rm(host, { recursive: true, force: true });
  await rm(target, { recursive: true, force: true });
});

function writerOn(local: ReturnType<typeof localShellEngine>): ContainerWriter {
  const writer = new ContainerWriter(local.engine);
  writers.push(writer);
  return writer;
}

const copyA = () => [{ hostPath: path.join(host, 'a.txt'), containerPath: path.join(target, 'a.txt') }];

describe('ContainerWriter', () => {
  it('sends batches through one helper process, not engine requests', async () => {
    const local = localShellEngine();
    const writer = writerOn(local);
    const first = await writer.sync('c1', copyA(), []);
    expect([...first.copied.keys()]).toEqual([path.join(host, 'a.txt')]);
    await writeFile(path.join(host, 'a.txt'), 'two\n');
    await writer.sync('c1', copyA(), [path.join(target, 'gone')]);
    expect(await readFile(path.join(target, 'a.txt'), 'utf8')).toBe('two\n');
    expect(local.opened).toHaveLength(1);
    expect(local.archives).toHaveLength(0);
    expect(local.execs).toHaveLength(0);
  });

  it('uses putArchive and exec rm when the engine cannot keep a stream open', async () => {
    const local = localShellEngine({ streams: false });
    const writer = writerOn(local);
    await writer.sync('c1', copyA(), ['/app/old.txt']);
    expect(local.archives).toHaveLength(1);
    expect(local.execs).toEqual([['rm', '-rf', '--', '/app/old.txt']]);
  });

  it('reopens the helper after it ended (a container restart)', async () => {
    const local = localShellEngine();
    const writer = writerOn(local);
    await writer.prepare('c1');
    local.processes[0]!.kill();
    // The writer hears of the end through the same promise, and its reaction was registered first.
    await local.processes[0]!.ended;
    await writer.sync('c1', copyA(), []);
    expect(local.opened).toHaveLength(2);
    expect(await readFile(path.join(target, 'a.txt'), 'utf8')).toBe('one\n');
    expect(local.archives).toHaveLength(0);
  });

  it('sends a batch the helper died on through putArchive (a batch is safe to apply twice)', async () => {
    // This helper passes its self-test, then ends at the first real tar it gets.
    const diesOnTar = (cmd: string[]) => ['sh', '-c', cmd[2]!.replace('x) head -c', 'x) [ -e "$d/seen" ] && exit 5; : > "$d/seen"; head -c')];
    const local = localShellEngine({ wrap: diesOnTar });
    const writer = writerOn(local);
    const result = await writer.sync('c1', copyA(), []);
    expect(result.copied.size).toBe(1);
    expect(local.opened).toHaveLength(1);
    expect(local.archives).toHaveLength(1);
  });

  it('tries the helper again after it could not start (container not running), but never where it cannot run', async () => {
    const local = localShellEngine();
    const open = local.engine.openExecStream!.bind(local.engine);
    let failures = 1;
    local.engine.openExecStream = async (...args) => {
      if (failures-- > 0) throw new Error('container is not running');
      return open(...args);
    };
    const writer = writerOn(local);
    await writer.sync('c1', copyA(), []);
    expect(local.archives).toHaveLength(1);
    await writer.sync('c1', copyA(), []);
    expect(local.archives).toHaveLength(1);
    expect(local.opened).toHaveLength(1);

    const noTools = localShellEngine({ wrap: (cmd) => ['env', 'PATH=/nonexistent', '/bin/sh', ...cmd.slice(1)] });
    const plain = writerOn(noTools);
    await plain.sync('c1', copyA(), []);
    await plain.sync('c1', copyA(), []);
    expect(noTools.opened).toHaveLength(1);
    expect(noTools.archives).toHaveLength(2);
  });

  it('removes paths with a newline through exec (the channel sends one path a line)', async () => {
    const local = localShellEngine();
    const writer = writerOn(local);
    await writer.sync('c1', [], ['/app/odd\nname']);
    expect(local.execs).toEqual([['rm', '-rf', '--', '/app/odd\nname']]);
  });

  it('after close, batches go the slow way', async () => {
    const local = localShellEngine();
    const writer = writerOn(local);
    writer.close();
    await writer.sync('c1', copyA(), []);
    expect(local.opened).toHaveLength(0);
    expect(local.archives).toHaveLength(1);
  });
});
