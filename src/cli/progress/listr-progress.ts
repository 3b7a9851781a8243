// listr2 on a terminal: a line per service that follows its phases. listr2 only renders: the use case decides
// the order and emits events; each task here just mirrors one service's events.
import { Listr, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { ServicePhase, StackEvent } from '../../core/events.js';
import type { ProgressView } from './progress-view.js';

type Outcome = { kind: 'done'; title: string } | { kind: 'failed'; title: string } | { kind: 'skipped'; title: string };

const FINAL: Partial<Record<ServicePhase, Outcome['kind']>> = {
  ready: 'done',
  unchanged: 'done',
  failed: 'failed',
  skipped: 'skipped',
  remove: 'done',
};

export function createListrProgress(services: string[], notice: (line: string) => void): ProgressView {
  const waiters = new Map<string, { resolve: (o: Outcome) => void; task?: ListrTaskWrapper<unknown, never, never> }>();
  const outcomes = new Map<string, Promise<Outcome>>();
  for (const s of services) {
    outcomes.set(s, new Promise<Outcome>((resolve) => waiters.set(s, { resolve })));
  }
  const list = new Listr(
    services.map((s) => ({
      title: `${s}: waiting`,
      task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
        const w = waiters.get(s);
        if (w) w.task = task;
        const outcome = await (outcomes.get(s) as Promise<Outcome>);
        task.title = outcome.title;
        if (outcome.kind === 'failed') throw new Error(outcome.title);
        if (outcome.kind === 'skipped') task.skip(outcome.title);
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      collectErrors: false,
      renderer: 'default',
      fallbackRenderer: 'simple',
      rendererOptions: { collapseErrors: false, timer: undefined },
      processOutput: new ProcessOutput(process.stderr, process.stderr),
    } as never,
  );
  const running = list.run().catch(() => undefined);
  const pending: string[] = [];
  let closed: Promise<void> | undefined;

  return {
    onEvent: (e: StackEvent) => {
      if (e.type !== 'service') {
        if (e.type === 'notice') pending.push(`${e.level === 'warn' ? 'warning: ' : ''}${e.message}`);
        return;
      }
      const w = waiters.get(e.service);
      if (!w) return;
      const title = `${e.service}: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`;
      const final = FINAL[e.phase];
      if (final) w.resolve({ kind: final, title });
      else if (w.task) w.task.title = title;
    },
    // Idempotent: the command closes once before printing its summary and again on the way out.
    close: () => (closed ??= (async () => {
      for (const [s, w] of waiters) w.resolve({ kind: 'skipped', title: `${s}: not reached` });
      await running;
      for (const line of pending) notice(line);
    })()),
  };
}
