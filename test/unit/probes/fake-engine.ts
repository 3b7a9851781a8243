// A scripted Engine for waiter tests: container details you mutate, events and log lines you push.
import type { ContainerDetails, Engine, EngineEvent, LogRecord } from '../../../src/core/engine.js';
import { service as serviceFixture } from '../core/fixtures.js';
import type { ServiceConfig } from '../../../src/core/model.js';

export class FakeEngine {
  details: ContainerDetails;
  inspectCount = 0;
  eventSubscriptions = 0;
  private readonly eventQueues = new Set<{ push: (e: EngineEvent) => void }>();
  private readonly logLines: LogRecord[] = [];

  constructor(overrides: Partial<ContainerDetails> = {}) {
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
    const full: EngineEvent = { type: 'container', id: this.details.id, labels: {}, time: Date.now() / 1000, ...event };
    for (const queue of this.eventQueues) queue.push(full);
  }

  /** Exits the container: details and a `die` event. */
  exit(code: number): void {
    this.details = { ...this.details, status: 'exited', exitCode: code };
    this.emit({ action: 'die', exitCode: code });
  }

  log(text: string): void {
    this.logLines.push({ stream: 'stdout', text });
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
      logs: (_id, _opts, signal) => {
        let index = 0;
        return queueIterable<LogRecord>(signal, (queue) => {
          const timer = setInterval(() => {
            while (index < this.logLines.length) queue.push(this.logLines[index++]!);
          }, 5);
          return () => clearInterval(timer);
        });
      },
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
