// An AsyncIterable fed by pushes, as the engine's event and followed-log streams are: what is pushed is read in
// order until the signal aborts (or, not live, once what was there at the start is read).
export type Queue<T> = { push: (value: T) => void };

/** Values pushed until the signal aborts; `live: false` ends once those given at attach are read. */
export function queueIterable<T>(signal: AbortSignal, live: boolean, attach: (queue: Queue<T>) => () => void): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const buffered: T[] = [];
      let wake: (() => void) | undefined;
      const queue = { push: (v: T) => { buffered.push(v); wake?.(); } };
      const detach = attach(queue);
      const onAbort = () => wake?.();
      signal.addEventListener('abort', onAbort);
      const finish = (): IteratorResult<T> => {
        detach();
        signal.removeEventListener('abort', onAbort);
        return { done: true, value: undefined };
      };
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (buffered.length > 0) return { done: false, value: buffered.shift()! };
            if (signal.aborted || !live) return finish();
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<T>> {
          return finish();
        },
      };
    },
  };
}
