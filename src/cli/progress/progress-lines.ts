// What the live progress display shows: one line per container. A service that runs one container has one line
// (`db: ready (postgres)`); a scaled one has a line per replica (`web-1: start`, `web-2: create`), as its logs are
// prefixed. A step of one replica moves its line; a step of the whole service (pull, wait, ready) moves them all.
import type { ServicePhase, StackEvent } from '../../core/events.js';

export interface ServiceLines {
  service: string;
  /** Containers the run gives it: 1 (one line, named after the service), or more (a line per replica). */
  replicas: number;
}

export type LineOutcome = 'done' | 'failed' | 'skipped';

export interface ProgressLine {
  /** `db`, or `web-2` for a replica of a scaled service. */
  label: string;
  title: string;
  /** Set once the line's container reached a final step. */
  outcome?: LineOutcome;
}

const FINAL: Partial<Record<ServicePhase, LineOutcome>> = {
  ready: 'done',
  unchanged: 'done',
  failed: 'failed',
  skipped: 'skipped',
  remove: 'done',
};

export class ProgressLines {
  readonly lines: ProgressLine[] = [];
  private readonly byService = new Map<string, ProgressLine[]>();

  constructor(services: readonly ServiceLines[]) {
    for (const { service, replicas } of services) {
      const labels = replicas > 1 ? Array.from({ length: replicas }, (_, i) => `${service}-${i + 1}`) : [service];
      const lines = labels.map((label) => ({ label, title: `${label}: waiting` }));
      this.byService.set(service, lines);
      this.lines.push(...lines);
    }
  }

  /** Applies a service event; returns the lines it changed (none for an event about a service not shown). */
  apply(e: Extract<StackEvent, { type: 'service' }>): ProgressLine[] {
    const lines = this.byService.get(e.service) ?? [];
    const touched = e.replica !== undefined && lines.length > 1 ? lines.filter((l) => l.label === `${e.service}-${e.replica}`) : lines;
    const outcome = FINAL[e.phase];
    const changed = touched.filter((l) => l.outcome === undefined);
    for (const line of changed) {
      line.title = `${line.label}: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`;
      if (outcome) line.outcome = outcome;
    }
    return changed;
  }

  /** The lines still open when the run ends: skipped, showing their last step (or `not reached`). */
  finish(): ProgressLine[] {
    const open = this.lines.filter((l) => l.outcome === undefined);
    for (const line of open) {
      if (line.title === `${line.label}: waiting`) line.title = `${line.label}: not reached`;
      line.outcome = 'skipped';
    }
    return open;
  }
}
