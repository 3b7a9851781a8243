import type { OutputMode } from '../output-mode.js';
import { createListrProgress } from './listr-progress.js';
import { createNdjsonProgress } from './ndjson-progress.js';
import { createPlainProgress } from './plain-progress.js';
import type { ProgressView } from './progress-view.js';

const toStderr = (line: string) => void process.stderr.write(`${line}\n`);
const toStdout = (line: string) => void process.stdout.write(`${line}\n`);

/** Progress goes to stderr, so stdout stays data; with --json, events are the data. */
export function chooseProgress(mode: OutputMode, services: string[]): ProgressView {
  if (mode === 'json') return createNdjsonProgress(toStdout);
  if (mode === 'tty') return createListrProgress(services, toStderr);
  return createPlainProgress(toStderr);
}
