// listr2 on a terminal: a line per container (see ProgressLines) that follows its steps. listr2 only renders: the
// use case decides the order and emits events; each task here just mirrors one line.
import { Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import type { StackEvent } from '../../core/events.js';
import { ProgressLines, type ProgressLine, type ServiceLines } from './progress-lines.js';
import type { ProgressView } from './progress-view.js';

type Task = ListrTaskWrapper<unknown, never, never>;

export function createListrProgress(services: readonly ServiceLines[], notice: (line: string) => void, output: NodeJS.WriteStream = process.stderr): ProgressView {
  const board = new ProgressLines(services);
  const logger = new ListrLogger({ useIcons: true, processOutput: new ProcessOutput(output, output) });
  const tasks = new Map<ProgressLine, Task>();
  const settle = new Map<ProgressLine, () => void>();
  const settled = new Map(board.lines.map((line) => [line, new Promise<void>((resolve) => settle.set(line, resolve))]));
  const show = (changed: ProgressLine[]): void => {
    for (const line of changed) {
      if (line.outcome) settle.get(line)?.();
      else {
        const task = tasks.get(line);
        if (task) task.title = line.title;
      }
    }
  };
  const list = new Listr(
    board.lines.map((line) => ({
      title: line.title,
      task: async (_ctx: unknown, task: Task) => {
        tasks.set(line, task);
        task.title = line.title;
        await settled.get(line);
        task.title = line.title;
        if (line.outcome === 'failed') throw new Error(line.title);
        if (line.outcome === 'skipped') task.skip(line.title);
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      collectErrors: false,
      renderer: 'default',
      fallbackRenderer: 'simple',
      // Both renderers write through this logger: listr2 takes the stream from a renderer's logger, not from a
      // top-level processOutput (which left the live view on stdout, in the way of `up > file`).
      rendererOptions: { collapseErrors: false, timer: undefined, logger },
      fallbackRendererOptions: { logger },
    } as never,
  );
  const running = list.run().catch(() => undefined);
  const pending: string[] = [];
  let closed: Promise<void> | undefined;

  return {
    onEvent: (e: StackEvent) => {
      if (e.type === 'service') show(board.apply(e));
      else if (e.type === 'notice') pending.push(`${e.level === 'warn' ? 'warning: ' : ''}${e.message}`);
    },
    // Idempotent: the command closes once before printing its summary and again on the way out.
    close: () => (closed ??= (async () => {
      show(board.finish());
      await running;
      for (const line of pending) notice(line);
    })()),
  };
}
