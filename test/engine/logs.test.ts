// Real-engine tests of the log stream: a Docker Engine must answer (they fail, never skip, without one).
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamProjectLogs, type ServiceLogLine } from '../../src/app/logs.js';
import type { LogOptions, LogRecord } from '../../src/core/engine.js';
import { formatLogLine, lineLayout } from '../../src/cli/log-printer.js';
import { LABEL } from '../../src/core/labels.js';
import { openEngine, type DockerEngine } from '../../src/engine/docker/docker-engine.js';
import { streamContainerLogs } from '../../src/engine/docker/logs.js';

const IMAGE = 'devstack-standin/debian:bookworm';
const PREFIX = `dslogs-${randomBytes(4).toString('hex')}`;
const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
let engine: DockerEngine;

async function run(name: string, cmd: string[], opts: { tty?: boolean; labels?: Record<string, string>; wait?: boolean } = {}): Promise<string> {
  const c = await docker.createContainer({
    name: `${PREFIX}-${name}`,
    Image: IMAGE,
    Cmd: cmd,
    Tty: opts.tty ?? false,
    Labels: { 'io.devstack.test': PREFIX, ...opts.labels },
    HostConfig: { LogConfig: { Type: 'json-file', Config: {} } },
  });
  await c.start();
  if (opts.wait !== false) await c.wait();
  return c.id;
}

async function collect(id: string, opts: Partial<LogOptions> = {}): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  const signal = AbortSignal.timeout(60_000);
  for await (const rec of streamContainerLogs(docker, id, { follow: false, timestamps: false, ...opts }, signal)) out.push(rec);
  return out;
}

/** Pulls lines until `until` says stop or the limit passes. */
async function takeUntil(lines: AsyncIterable<ServiceLogLine>, stop: (seen: ServiceLogLine[]) => boolean, limitMs: number): Promise<ServiceLogLine[]> {
  const seen: ServiceLogLine[] = [];
  const deadline = Date.now() + limitMs;
  for await (const line of lines) {
    seen.push(line);
    if (stop(seen) || Date.now() > deadline) break;
  }
  return seen;
}

beforeAll(async () => {
  engine = await openEngine(process.env);
  await docker.ping();
});

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`io.devstack.test=${PREFIX}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
});

describe('streamContainerLogs on a real engine', () => {
  let seqId: string;
  beforeAll(async () => {
    seqId = await run('seq', ['seq', '1', '100000']);
  });

  it('yields all 100000 lines of `seq 1 100000`, in order', async () => {
    const lines = await collect(seqId);
    expect(lines).toHaveLength(100000);
    let wrong = -1;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.text !== String(i + 1) || lines[i]!.stream !== 'stdout') {
        wrong = i;
        break;
      }
    }
    expect(wrong).toBe(-1);
  });

  it('honours tail: 10 exactly', async () => {
    const lines = await collect(seqId, { tail: 10 });
    expect(lines.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => String(99991 + i)));
  });

  it('splits off timestamps and honours since', async () => {
    const id = await run('since', ['bash', '-c', 'echo early; sleep 1.2; echo late']);
    const all = await collect(id, { timestamps: true });
    expect(all.map((l) => l.text)).toEqual(['early', 'late']);
    const early = Date.parse(all[0]!.time!) / 1000;
    const late = Date.parse(all[1]!.time!) / 1000;
    expect(late - early).toBeGreaterThan(1);
    const since = await collect(id, { since: (early + late) / 2, timestamps: true });
    expect(since.map((l) => l.text)).toEqual(['late']);
    const until = await collect(id, { until: (early + late) / 2 });
    expect(until.map((l) => l.text)).toEqual(['early']);
  });

  it('keeps stderr apart from stdout', async () => {
    const id = await run('streams', ['bash', '-c', 'echo out1; echo err1 >&2; echo out2; printf "err2 no newline" >&2']);
    const lines = await collect(id);
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['out1', 'out2']);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['err1', 'err2 no newline']);
  });

  it('decodes a TTY container as raw stdout (CRLF stripped)', async () => {
    const id = await run('tty', ['bash', '-c', 'echo tty-one; echo tty-two >&2; printf "\\x01\\x02 binary-ish\\n"'], { tty: true });
    const lines = await collect(id, { timestamps: true });
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'tty-one'],
      ['stdout', 'tty-two'],
      ['stdout', '\x01\x02 binary-ish'],
    ]);
    expect(lines.every((l) => l.time !== undefined)).toBe(true);
  });

  it('keeps a 1 MB line whole and invalid UTF-8 as U+FFFD', async () => {
    const id = await run('long', ['bash', '-c', 'head -c 1048576 /dev/zero | tr "\\0" x; echo; printf "a\\xffb\\n"']);
    const lines = await collect(id, { timestamps: true });
    expect(lines).toHaveLength(2);
    expect(lines[0]!.text.length).toBe(1048576);
    expect(/^x+$/.test(lines[0]!.text)).toBe(true);
    expect(lines[1]!.text).toBe('a\uFFFDb');
  });

  it('ends a followed stream when the signal aborts', async () => {
    const id = await run('endless', ['bash', '-c', 'while true; do echo tick; sleep 0.05; done'], { wait: false });
    const ctrl = new AbortController();
    let count = 0;
    for await (const _ of streamContainerLogs(docker, id, { follow: true, timestamps: false }, ctrl.signal)) {
      if (++count === 5) ctrl.abort();
    }
    expect(count).toBe(5);
  });
});

describe('streamProjectLogs following a real engine', () => {
  const project = `${PREFIX}-proj`;
  const labels = (service: string, n = '1') => ({ [LABEL.project]: project, [LABEL.service]: service, [LABEL.containerNumber]: n });
  // A counter kept in the container's file system survives restarts: line numbers only grow. It is replaced by a
  // rename, so a kill mid-write cannot leave it empty.
  const counting = ['bash', '-c', 'n=$(cat /tmp/n 2>/dev/null || echo 0); echo "started after $n"; while true; do n=$((n+1)); echo $n > /tmp/n.new; mv /tmp/n.new /tmp/n; echo "line $n"; sleep 0.05; done'];

  it('survives `docker restart`: lines after the restart arrive, none duplicated', async () => {
    const id = await run('restart', counting, { labels: labels('counter'), wait: false });
    const ctrl = new AbortController();
    const lines = streamProjectLogs({ project, services: ['counter'], knownServices: ['counter', 'other'], follow: true, timestamps: false, signal: ctrl.signal }, { engine });
    let restartedAt = 0;
    let firstAfterRestartMs = -1;
    const seen = await takeUntil(
      lines,
      (s) => {
        const last = s[s.length - 1]!;
        if (s.length === 20) {
          void docker.getContainer(id).restart({ t: 0 }).then(() => (restartedAt = Date.now()));
        }
        if (last.text.startsWith('started after') && s.length > 1 && firstAfterRestartMs < 0 && restartedAt > 0) {
          firstAfterRestartMs = Date.now() - restartedAt;
        }
        return s.filter((l) => l.text.startsWith('started after')).length === 2 && s.length > 60;
      },
      30_000,
    );
    ctrl.abort();
    const starts = seen.filter((l) => l.text.startsWith('started after'));
    expect(starts).toHaveLength(2);
    const numbers = seen.filter((l) => l.text.startsWith('line ')).map((l) => Number(l.text.slice(5)));
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1]!);
    const texts = seen.map((l) => l.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(seen.every((l) => l.service === 'counter' && l.container === `${PREFIX}-restart`)).toBe(true);
    console.log(`logs -f: first line after restart ${firstAfterRestartMs} ms after the restart call returned`);
  });

  it('follows the new container when the service is recreated', async () => {
    const first = await run('recreate-a', ['bash', '-c', 'echo from-first; sleep infinity'], { labels: labels('web'), wait: false });
    const ctrl = new AbortController();
    const lines = streamProjectLogs({ project, services: ['web'], knownServices: ['web', 'counter'], follow: true, timestamps: true, signal: ctrl.signal }, { engine });
    let recreatedAt = 0;
    const seen = await takeUntil(
      lines,
      (s) => {
        if (s.length === 1) {
          void (async () => {
            await docker.getContainer(first).remove({ force: true });
            await run('recreate-b', ['bash', '-c', 'echo from-second; echo second-2; sleep infinity'], { labels: labels('web'), wait: false });
            recreatedAt = Date.now();
          })();
        }
        return s.some((l) => l.text === 'second-2');
      },
      20_000,
    );
    const latency = Date.now() - recreatedAt;
    ctrl.abort();
    expect(seen.map((l) => [l.container, l.text])).toEqual([
      [`${PREFIX}-recreate-a`, 'from-first'],
      [`${PREFIX}-recreate-b`, 'from-second'],
      [`${PREFIX}-recreate-b`, 'second-2'],
    ]);
    expect(seen.every((l) => /^\d{4}-\d\d-\d\dT.*Z$/.test(l.time))).toBe(true);
    console.log(`logs -f: new container's lines ${latency} ms after it started`);
  });
  it('names a replica added while following as the first one is named: web-1 and web-2, both numbered', async () => {
    await run('scaled-1', ['bash', '-c', 'echo from-one; sleep infinity'], { labels: labels('scaled'), wait: false });
    const ctrl = new AbortController();
    const lines = streamProjectLogs({ project, services: ['scaled'], knownServices: ['scaled'], follow: true, timestamps: false, signal: ctrl.signal }, { engine });
    let added = false;
    const seen = await takeUntil(
      lines,
      (s) => {
        if (!added && s.some((l) => l.text === 'from-one')) {
          added = true;
          void run('scaled-2', ['bash', '-c', 'echo from-two; sleep infinity'], { labels: labels('scaled', '2'), wait: false });
        }
        return s.some((l) => l.text === 'from-two');
      },
      20_000,
    );
    ctrl.abort();
    expect(seen.map((l) => [l.service, l.replica, l.text])).toEqual([
      ['scaled', 1, 'from-one'],
      ['scaled', 2, 'from-two'],
    ]);
    const layout = lineLayout({ services: ['scaled'], timestamps: false, prefix: true, json: false, color: false, out: new PassThrough(), env: {} });
    expect(seen.map((l) => formatLogLine(l, layout)).join('')).toBe('scaled-1 | from-one\nscaled-2 | from-two\n');
  });
  it('with followNewServices, a service that appears later (a compose reload added it) is followed too', async () => {
    await run('known', ['bash', '-c', 'echo from-known; sleep infinity'], { labels: labels('api'), wait: false });
    const ctrl = new AbortController();
    const lines = streamProjectLogs({ project, services: [], knownServices: ['api'], follow: true, followNewServices: true, timestamps: false, signal: ctrl.signal }, { engine });
    let added = false;
    const seen = await takeUntil(
      lines,
      (s) => {
        if (!added && s.some((l) => l.text === 'from-known')) {
          added = true;
          void run('added', ['bash', '-c', 'echo from-added; sleep infinity'], { labels: labels('worker'), wait: false });
        }
        return s.some((l) => l.text === 'from-added');
      },
      20_000,
    );
    ctrl.abort();
    expect(seen.filter((l) => l.service === 'api' || l.service === 'worker').map((l) => [l.service, l.text])).toEqual([
      ['api', 'from-known'],
      ['worker', 'from-added'],
    ]);
  });
});
