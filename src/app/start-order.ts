// Orders container starts by priority (core/start-priority): a service due to start waits while a service of
// higher priority is also due and has not finished starting. Services of equal priority start in parallel.
// "Due" means its image is there and its dependencies are satisfied: a service still building or waiting on a
// dependency holds nobody up.
import type { StartPriority } from '../core/start-priority.js';

export class StartOrder {
  private readonly due = new Map<string, StartPriority>();
  private readonly finished = new Set<string>();
  private readonly wakers = new Set<() => void>();

  constructor(private readonly priorityOf: (service: string) => StartPriority) {}

  /** The service is due to start. Ignored once it has finished (its visit ended first). */
  markDue(service: string): void {
    if (this.finished.has(service)) return;
    this.due.set(service, this.priorityOf(service));
  }

  /**
   * Resolves when no due service of higher priority is still to start, or at once when `signal` aborts (the
   * caller's own abort handling then applies, as if there were no ordering).
   */
  async turn(service: string, signal: AbortSignal): Promise<void> {
    this.markDue(service);
    const mine = this.priorityOf(service);
    const blocked = () => [...this.due].some(([other, p]) => other !== service && p > mine);
    while (blocked() && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.wakers.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.wakers.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /** Its start returned or failed, or its visit ended without a start: it holds nobody up any more. */
  finish(service: string): void {
    this.finished.add(service);
    if (!this.due.delete(service)) return;
    for (const wake of [...this.wakers]) wake();
  }
}
