import type { OutputMode } from '../output-mode.js';
import { createNdjsonProgress } from './ndjson-progress.js';
import { createPlainProgress } from './plain-progress.js';
import type { ServiceLines } from './progress-lines.js';
import type { ProgressView } from './progress-view.js';

const toStderr = (line: string) => void process.stderr.write(`${line}\n`);
const toStdout = (line: string) => void process.stdout.write(`${line}\n`);

/**
 * Progress goes to stderr, so stdout stays data; with --json, events are the data. listr2 is loaded only for a
 * live display, so a command that prints plain lines never evaluates it.
 */
export async function chooseProgress(mode: OutputMode, services: readonly ServiceLines[]): Promise<ProgressView> {
  if (mode === 'json') return createNdjsonProgress(toStdout);
  if (mode === 'tty') {
    const { createListrProgress } = await import('./listr-progress.js');
    return createListrProgress(services, toStderr);
  }
  return createPlainProgress(toStderr);
}
