// A bounded queue between several producers (one per followed container) and one consumer (the
// printer). Producers await `push` when it is full, so a slow terminal slows the log readers down
// instead of growing memory.
export class BoundedChannel<T> {
  private readonly items: T[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private itemWaiter: (() => void) | undefined;
  private closed = false;
  private failure: { error: unknown } | undefined;

  constructor(private readonly capacity = 1024) {}

  /** Resolves when there is room again (at once unless full). A closed channel drops the item. */
  push(item: T): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.items.push(item);
    this.wakeConsumer();
    if (this.items.length < this.capacity) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** No more items: the consumer ends after the queued ones. */
  close(): void {
    this.closed = true;
    this.wakeConsumer();
    this.releaseProducers();
  }

  /** The consumer throws `error` after the queued items. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    this.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        if (this.items.length < this.capacity / 2) this.releaseProducers();
        yield item;
        continue;
      }
      if (this.failure) throw this.failure.error;
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.itemWaiter = resolve));
    }
  }

  private wakeConsumer(): void {
    const wake = this.itemWaiter;
    this.itemWaiter = undefined;
    wake?.();
  }

  private releaseProducers(): void {
    for (const release of this.spaceWaiters.splice(0)) release();
  }
}
