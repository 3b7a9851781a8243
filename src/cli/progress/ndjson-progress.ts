// --json: one JSON object per event, for programs.
import type { ProgressView } from './progress-view.js';

export function createNdjsonProgress(write: (line: string) => void): ProgressView {
  return {
    onEvent: (e) => write(JSON.stringify({ time: new Date().toISOString(), ...e })),
    close: async () => {},
  };
}
