// A scripted Engine for waiter tests: container details you mutate, events and log lines you push.
import type { ContainerDetails, Engine, EngineEvent, LogRecord } from '../../../src/core/engine.js';
import { service as serviceFixture } from '../core/fixtures.js';
import type { ServiceConfig } from '../../../src/core/model.js';

export class FakeEngine {
  details: ContainerDetails;
  inspectCount = 0;
  eventSubscriptions = 0;
  private readonly eventQueues = new Set<{ push: (e: EngineEvent) => void }>();
  private readonly logQueues = new Set<{ push: (r: LogRecord) => void }>();
  private readonly logLines: LogRecord[] = [];

  /** `now`: the clock events are stamped with (ms since the epoch), the test's own when it runs one. */
  constructor(
    overrides: Partial<ContainerDetails> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.details = {
      id: 'c0ffee',
      name: 'demo-db-1',
      image: 'postgres:16-alpine',
      status: 'running',
      labels: {},
      ports: [],
      createdAt: 0,
      health: 'none',
      healthLog: [],
      exitCode: null,
      startedAt: '',
      finishedAt: '',
      restartCount: 0,
      tty: false,
      networks: { demo_default: { ipAddress: '127.0.0.1', aliases: [] } },
      env: {},
      oomKilled: false,
      error: '',
      ...overrides,
    };
  }

  /** Delivers an event to every open subscription. */
  emit(event: Partial<EngineEvent> & { action: string }): void {
    const full: EngineEvent = { type: 'container', id: this.details.id, labels: {}, time: this.now(), ...event };
    for (const queue of this.eventQueues) queue.push(full);
  }

  /** Exits the container: details and a `die` event. */
  exit(code: number): void {
    this.details = { ...this.details, status: 'exited', exitCode: code };
    this.emit({ action: 'die', exitCode: code });
  }

  log(text: string): void {
    const record: LogRecord = { stream: 'stdout', text };
    this.logLines.push(record);
    for (const queue of this.logQueues) queue.push(record);
  }

  /** What the engine does when a restart policy answers an exit: `die`, then `restarting` with one more restart. */
  crashAndRestart(code: number): void {
    this.details = { ...this.details, status: 'restarting', exitCode: code, restartCount: this.details.restartCount + 1 };
    this.emit({ action: 'die', exitCode: code });
  }

  /** The engine starts it again (after a policy restart). */
  start(): void {
    this.details = { ...this.details, status: 'running', exitCode: null, startedAt: new Date(this.now()).toISOString() };
    this.emit({ action: 'start' });
  }

  asEngine(): Engine {
    const partial: Partial<Engine> = {
      inspectContainer: async (_id: string) => {
        this.inspectCount += 1;
        return structuredClone(this.details);
      },
      events: (_filter, signal) => {
        this.eventSubscriptions += 1;
        return queueIterable<EngineEvent>(signal, (queue) => {
          this.eventQueues.add(queue);
          return () => this.eventQueues.delete(queue);
        });
      },
      logs: (_id, opts, signal) =>
        queueIterable<LogRecord>(signal, (queue) => {
          // A follow from now on (tail 0) sees new lines only; otherwise every line so far, then new ones.
          if (opts.tail !== 0) for (const line of this.logLines) queue.push(line);
          this.logQueues.add(queue);
          return () => this.logQueues.delete(queue);
        }),
    };
    return new Proxy(partial as Engine, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (value === undefined && typeof prop === 'string' && prop !== 'then') {
          return () => {
            throw new Error(`FakeEngine: ${prop} is not scripted`);
          };
        }
        return value;
      },
    });
  }
}

function queueIterable<T>(signal: AbortSignal, attach: (queue: { push: (v: T) => void }) => () => void): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const buffered: T[] = [];
      let wake: (() => void) | undefined;
      const queue = { push: (v: T) => { buffered.push(v); wake?.(); } };
      const detach = attach(queue);
      const onAbort = () => wake?.();
      signal.addEventListener('abort', onAbort);
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (buffered.length > 0) return { done: false, value: buffered.shift()! };
            if (signal.aborted) {
              detach();
              return { done: true, value: undefined };
            }
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<T>> {
          detach();
          signal.removeEventListener('abort', onAbort);
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** A service named `db` with no image, no networks: probes tests set only what they exercise. */
export function service(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return serviceFixture(overrides.name ?? 'db', { image: undefined, networks: {}, source: { file: 'compose.yaml', line: 1, col: 1 }, ...overrides });
}
