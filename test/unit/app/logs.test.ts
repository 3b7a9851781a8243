import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamProjectLogs, type ServiceLogLine } from '../../../src/app/logs.js';
import { formatLogLine, lineLayout, printLogLines, serviceColor } from '../../../src/cli/log-printer.js';
import type { ContainerInfo, LogRecord } from '../../../src/core/engine.js';
import { DevstackError } from '../../../src/core/errors.js';
import { LABEL } from '../../../src/core/labels.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

function container(id: string, service: string, extra: Record<string, string> = {}): ContainerInfo {
  return {
    id,
    name: `demo-${service}-1`,
    image: 'img',
    status: 'exited',
    labels: { [LABEL.project]: 'demo', [LABEL.service]: service, [LABEL.containerNumber]: '1', ...extra },
    ports: [],
    createdAt: 0,
  };
}

function fakeEngine(containers: ContainerInfo[], logs: Record<string, LogRecord[]>): InMemoryEngine {
  const engine = new InMemoryEngine();
  for (const c of containers) {
    const container = engine.addContainer(c);
    for (const record of logs[c.id] ?? []) container.log(record);
  }
  return engine;
}

const t = (n: number): string => `2024-05-01T10:00:00.${String(n).padStart(9, '0')}Z`;

async function collect(lines: AsyncIterable<ServiceLogLine>): Promise<ServiceLogLine[]> {
  const out: ServiceLogLine[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

describe('streamProjectLogs without follow', () => {
  it('interleaves containers by timestamp and always asks the engine for timestamps', async () => {
    const engine = fakeEngine(
      [container('b', 'web'), container('a', 'db'), container('x', 'db', { [LABEL.oneoff]: 'True' })],
      {
        a: [{ stream: 'stdout', time: t(1), text: 'db 1' }, { stream: 'stdout', time: t(4), text: 'db 4' }],
        b: [{ stream: 'stderr', time: t(2), text: 'web 2' }, { stream: 'stdout', time: t(3), text: 'web 3' }],
        x: [{ stream: 'stdout', time: t(0), text: 'one-off run' }],
      },
    );
    const lines = await collect(
      streamProjectLogs(
        { project: 'demo', services: [], knownServices: ['db', 'web'], follow: false, tail: 5, since: '10m', timestamps: false, signal: new AbortController().signal, now: () => 1714557600_000 },
        { engine },
      ),
    );
    expect(lines.map((l) => l.text)).toEqual(['db 1', 'web 2', 'web 3', 'db 4']);
    expect(lines[1]).toEqual({ service: 'web', replica: 1, container: 'demo-web-1', stream: 'stderr', time: t(2), text: 'web 2' });
    expect(engine.logRequests.map((r) => r.opts)).toEqual([
      { follow: false, timestamps: true, tail: 5, since: 1714557000 },
      { follow: false, timestamps: true, tail: 5, since: 1714557000 },
    ]);
  });

  it('names every container by its number, as compose v2 does: web-1, web-2 for replicas, db-1 for a single container', async () => {
    const web2 = { ...container('w2', 'web', { [LABEL.containerNumber]: '2' }), name: 'demo-web-2' };
    const engine = fakeEngine([web2, container('w1', 'web'), container('d', 'db')], {
      w1: [{ stream: 'stdout', time: t(1), text: 'one' }],
      w2: [{ stream: 'stdout', time: t(2), text: 'two' }],
      d: [{ stream: 'stdout', time: t(3), text: 'db' }],
    });
    const lines = await collect(streamProjectLogs({ project: 'demo', services: [], knownServices: ['db', 'web'], follow: false, timestamps: false, signal: new AbortController().signal }, { engine }));
    expect(lines.map((l) => [l.service, l.replica, l.text])).toEqual([['web', 1, 'one'], ['web', 2, 'two'], ['db', 1, 'db']]);
    const layout = lineLayout({ services: ['db', 'web'], timestamps: false, prefix: true, json: false, color: false, out: new PassThrough(), env: {} });
    expect(lines.map((l) => formatLogLine(l, layout)).join('')).toBe('web-1 | one\nweb-2 | two\ndb-1  | db\n');
  });

  it('refuses an unknown service, listing the project’s services', async () => {
    const engine = fakeEngine([], {});
    const run = collect(
      streamProjectLogs({ project: 'demo', services: ['wbe'], knownServices: ['web', 'db'], follow: false, timestamps: false, signal: new AbortController().signal }, { engine }),
    );
    await expect(run).rejects.toBeInstanceOf(DevstackError);
    await expect(run).rejects.toMatchObject({ kind: 'not-found', hint: "The project's services: db, web." });
  });
});

describe('log printer', () => {
  const line: ServiceLogLine = { service: 'db', replica: 1, container: 'demo-db-1', stream: 'stdout', time: t(1), text: 'ready' };
  const base = { services: ['db', 'backend'], timestamps: false, prefix: true, json: false, color: true };

  it('names a container with its own container_name by that name, as compose does', () => {
    const layout = lineLayout({ ...base, color: false, out: new PassThrough(), env: {} });
    expect(formatLogLine({ ...line, container: 'shop-postgres' }, layout)).toBe('shop-postgres | ready\n');
    expect(formatLogLine(line, layout)).toBe('db-1      | ready\n');
  });

  it('pads prefixes to the longest service name and its number, colours only on a TTY without NO_COLOR', () => {
    const plain = lineLayout({ ...base, out: new PassThrough(), env: {} });
    expect(formatLogLine(line, plain)).toBe('db-1      | ready\n');
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    expect(formatLogLine(line, lineLayout({ ...base, out: tty, env: {} }))).toBe(`\x1b[${serviceColor('db')}mdb-1      |\x1b[0m ready\n`);
    expect(formatLogLine(line, lineLayout({ ...base, out: tty, env: { NO_COLOR: '1' } }))).toBe('db-1      | ready\n');
    expect(formatLogLine(line, lineLayout({ ...base, out: tty, env: {}, color: false }))).toBe('db-1      | ready\n');
  });

  it('honours FORCE_COLOR as colorEnabled does: colour into a pipe when forced, never with --no-color or NO_COLOR', () => {
    const pipe = new PassThrough();
    const coloured = `\x1b[${serviceColor('db')}mdb-1      |\x1b[0m ready\n`;
    expect(formatLogLine(line, lineLayout({ ...base, out: pipe, env: { FORCE_COLOR: '1' } }))).toBe(coloured);
    expect(formatLogLine(line, lineLayout({ ...base, out: pipe, env: { FORCE_COLOR: '0' } }))).toBe('db-1      | ready\n');
    expect(formatLogLine(line, lineLayout({ ...base, out: pipe, env: { FORCE_COLOR: '1' }, color: false }))).toBe('db-1      | ready\n');
    expect(formatLogLine(line, lineLayout({ ...base, out: pipe, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }))).toBe('db-1      | ready\n');
  });

  it('shows timestamps, drops the prefix, or writes JSON', () => {
    const out = new PassThrough();
    expect(formatLogLine(line, lineLayout({ ...base, out, timestamps: true }))).toBe(`db-1      | ${t(1)} ready\n`);
    expect(formatLogLine(line, lineLayout({ ...base, out, prefix: false }))).toBe('ready\n');
    expect(JSON.parse(formatLogLine(line, lineLayout({ ...base, out, json: true })))).toEqual(line);
  });

  it('ends quietly when the reader closes the pipe (EPIPE)', async () => {
    let written = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, cb) {
        written++;
        if (written > 2) {
          const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
          cb(err);
          return;
        }
        cb();
      },
    });
    async function* endless(): AsyncGenerator<ServiceLogLine> {
      for (let i = 0; ; i++) yield { ...line, text: `line ${i} ${'x'.repeat(100)}` };
    }
    const result = await printLogLines(endless(), { ...base, out });
    expect(result.pipeClosed).toBe(true);
  });

  it('prints every line in order through backpressure', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      highWaterMark: 16,
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        setTimeout(cb, 0);
      },
    });
    async function* many(): AsyncGenerator<ServiceLogLine> {
      for (let i = 0; i < 20000; i++) yield { ...line, text: String(i) };
    }
    const result = await printLogLines(many(), { ...base, out, prefix: false });
    expect(result).toEqual({ lines: 20000, pipeClosed: false, unwritten: false });
    await new Promise((r) => out.end(r));
    expect(chunks.join('').split('\n').slice(0, -1)).toEqual(Array.from({ length: 20000 }, (_, i) => String(i)));
  });

  it('takes no more lines while the reader does not drain, and stops waiting at the signal (text left unwritten)', async () => {
    const out = new Writable({ highWaterMark: 1024, write: () => undefined }); // never calls back: a paused reader
    let pulled = 0;
    async function* endless(): AsyncGenerator<ServiceLogLine> {
      for (;;) {
        pulled++;
        yield { ...line, text: 'x'.repeat(100) };
        await new Promise((r) => setImmediate(r)); // lines arrive one by one, as a followed log does
      }
    }
    const ctl = new AbortController();
    const printing = printLogLines(endless(), { ...base, out, signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 200));
    const pulledWhileBlocked = pulled;
    await new Promise((r) => setTimeout(r, 200));
    expect(pulled).toBe(pulledWhileBlocked);
    expect(pulled).toBeLessThan(100);
    ctl.abort();
    expect(await printing).toMatchObject({ pipeClosed: false, unwritten: true });
  });

  it('tells when the reader goes away while it waits for the pipe to drain', async () => {
    let fail: (() => void) | undefined;
    const out = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, cb) {
        fail = () => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const gone = new AbortController();
    async function* untilStopped(): AsyncGenerator<ServiceLogLine> {
      while (!gone.signal.aborted) {
        yield { ...line, text: 'y'.repeat(100) };
        await new Promise((r) => setImmediate(r));
      }
    }
    const printing = printLogLines(untilStopped(), { ...base, out, onReaderGone: () => gone.abort() });
    await new Promise((r) => setTimeout(r, 50));
    fail?.();
    expect(await printing).toMatchObject({ pipeClosed: true, unwritten: false });
    expect(gone.signal.aborted).toBe(true);
  });
});
