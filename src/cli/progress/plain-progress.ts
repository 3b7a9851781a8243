// Plain progress lines for CI logs and pipes: one line per event, elapsed time first.
import type { StackEvent } from '../../core/events.js';
import type { ProgressView } from './progress-view.js';

export function createPlainProgress(write: (line: string) => void, now: () => number = Date.now): ProgressView {
  const start = now();
  const stamp = () => `[${((now() - start) / 1000).toFixed(1).padStart(5)}s]`;
  return {
    onEvent: (e: StackEvent) => write(`${stamp()} ${describeEvent(e)}`),
    close: async () => {},
  };
}

export function describeEvent(e: StackEvent): string {
  switch (e.type) {
    case 'service':
      return `${e.replica !== undefined ? `${e.service}-${e.replica}` : e.service} ${e.phase}${e.detail ? ` (${e.detail})` : ''}`;
    case 'resource':
      return `${e.kind} ${e.name} ${e.action === 'create' ? 'created' : e.action === 'remove' ? 'removed' : 'kept'}`;
    case 'notice':
      return `${e.level === 'warn' ? 'warning: ' : ''}${e.message}`;
  }
}
