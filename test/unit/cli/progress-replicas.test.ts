import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { StackEvent } from '../../../src/core/events.js';
import { createListrProgress } from '../../../src/cli/progress/listr-progress.js';
import { createPlainProgress } from '../../../src/cli/progress/plain-progress.js';
import { ProgressLines } from '../../../src/cli/progress/progress-lines.js';

// What `up` emits for `db` (one container) and `web` at scale 3: per-replica steps carry `replica`, the
// service's own steps (wait, ready) do not.
const run: StackEvent[] = [
  { type: 'service', service: 'db', phase: 'create' },
  { type: 'service', service: 'web', replica: 1, phase: 'create' },
  { type: 'service', service: 'web', replica: 2, phase: 'recreate', detail: 'config changed' },
  { type: 'service', service: 'web', replica: 3, phase: 'unchanged' },
  { type: 'service', service: 'db', phase: 'start' },
  { type: 'service', service: 'db', phase: 'ready', detail: 'postgres' },
  { type: 'service', service: 'web', replica: 1, phase: 'start' },
  { type: 'service', service: 'web', replica: 2, phase: 'start' },
  { type: 'service', service: 'web', phase: 'ready', detail: 'http:/health' },
];
const services = [
  { service: 'db', replicas: 1 },
  { service: 'web', replicas: 3 },
];

describe('progress lines of a scaled service', () => {
  it('one line per replica, named as its logs are; a service step moves every replica still going', () => {
    const board = new ProgressLines(services);
    expect(board.lines.map((l) => l.title)).toEqual(['db: waiting', 'web-1: waiting', 'web-2: waiting', 'web-3: waiting']);
    for (const e of run.slice(0, 4)) board.apply(e as Extract<StackEvent, { type: 'service' }>);
    expect(board.lines.map((l) => [l.title, l.outcome])).toEqual([
      ['db: create', undefined],
      ['web-1: create', undefined],
      ['web-2: recreate (config changed)', undefined],
      ['web-3: unchanged', 'done'],
    ]);
    for (const e of run.slice(4)) board.apply(e as Extract<StackEvent, { type: 'service' }>);
    expect(board.lines.map((l) => [l.title, l.outcome])).toEqual([
      ['db: ready (postgres)', 'done'],
      ['web-1: ready (http:/health)', 'done'],
      ['web-2: ready (http:/health)', 'done'],
      ['web-3: unchanged', 'done'],
    ]);
  });

  it('a failing replica fails its line only; at the end the others keep their last step', () => {
    const board = new ProgressLines([{ service: 'web', replicas: 2 }]);
    board.apply({ type: 'service', service: 'web', replica: 1, phase: 'running' });
    board.apply({ type: 'service', service: 'web', replica: 2, phase: 'start' });
    board.apply({ type: 'service', service: 'web', replica: 2, phase: 'failed' });
    expect(board.finish().map((l) => l.title)).toEqual(['web-1: running']);
    expect(board.lines.map((l) => [l.title, l.outcome])).toEqual([
      ['web-1: running', 'skipped'],
      ['web-2: failed', 'failed'],
    ]);
  });

  it('a service of one container keeps one line named after it, whatever replica an event names', () => {
    const board = new ProgressLines([{ service: 'db', replicas: 1 }, { service: 'idle', replicas: 1 }]);
    board.apply({ type: 'service', service: 'db', replica: 1, phase: 'ready' });
    board.apply({ type: 'service', service: 'other', phase: 'ready' });
    board.finish();
    expect(board.lines.map((l) => [l.title, l.outcome])).toEqual([
      ['db: ready', 'done'],
      ['idle: not reached', 'skipped'],
    ]);
  });
});

describe('renderers show replicas alike', () => {
  it('plain lines name the replica as the live lines do', () => {
    const lines: string[] = [];
    const view = createPlainProgress((l) => lines.push(l), () => 0);
    for (const e of run) view.onEvent(e);
    expect(lines.map((l) => l.slice(l.indexOf(']') + 2))).toEqual([
      'db create',
      'web-1 create',
      'web-2 recreate (config changed)',
      'web-3 unchanged',
      'db start',
      'db ready (postgres)',
      'web-1 start',
      'web-2 start',
      'web ready (http:/health)',
    ]);
  });

  it.each([
    ['the live renderer (stdout a terminal)', true],
    ['its fallback (stdout not a terminal)', false],
  ])('listr2, %s, renders a final line per replica into the stream it is given', async (_, stdoutTty) => {
    const saved = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: stdoutTty, configurable: true });
    onTestFinished(() => {
      if (saved) Object.defineProperty(process.stdout, 'isTTY', saved);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    });
    const out = Object.assign(new PassThrough(), { isTTY: stdoutTty, columns: 80, rows: 24 }) as unknown as NodeJS.WriteStream;
    let text = '';
    (out as unknown as PassThrough).on('data', (d: Buffer) => (text += d.toString()));
    const notices: string[] = [];
    const view = createListrProgress(services, (l) => notices.push(l), out);
    for (const e of run) view.onEvent(e);
    view.onEvent({ type: 'notice', level: 'warn', message: 'web-2 8080 -> 8081 (8080 taken by replica web-1)' });
    await view.close();
    // eslint-disable-next-line no-control-regex
    const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
    for (const title of ['db: ready (postgres)', 'web-1: ready (http:/health)', 'web-2: ready (http:/health)', 'web-3: unchanged']) {
      expect(plain).toContain(title);
    }
    expect(plain).not.toMatch(/^\S+ web: /m);
    expect(notices).toEqual(['warning: web-2 8080 -> 8081 (8080 taken by replica web-1)']);
  });
});
