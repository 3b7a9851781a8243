// What one container is doing while we wait for it: one inspect at the start, then engine events
// (start, die, health_status, destroy). No polling loop; `refresh()` is an explicit extra inspect.
// Optionally its output too: a server usually prints a line when it starts listening, so a new line is a good
// moment to ask again rather than at the next tick.
import type { ContainerDetails, ContainerQueryPort, ContainerStatus, EngineEvent, EventsLogsPort, HealthStatus } from '../../core/engine.js';
import { isDevstackError, type DevstackError } from '../../core/errors.js';
import { FAST_INTERVAL_MS } from './attempt-schedule.js';
import { systemClock, type Clock } from './clock.js';

export interface ObservedContainer {
  status: ContainerStatus | 'removed';
  health: HealthStatus;
  /** Set once the container has exited (and while the engine waits to restart it: its last exit code). */
  exitCode: number | null;
  /** How often the engine's restart policy restarted it since it was last started by hand (inspect only). */
  restartCount: number;
  /** When its current run began (ms since the epoch; NaN when not known). */
  startedAt: number;
}

/** Read-only view for probes that judge the container itself (running, healthcheck). */
export interface ContainerStateSource {
  readonly current: ObservedContainer;
}

/**
 * Output wakes a waiter at most this often: the fast probe cadence, so a server that logs each failed attempt
 * (Postgres logs every rejected password) cannot turn the wait into a busy loop.
 */
const OUTPUT_WAKE_GAP_MS = FAST_INTERVAL_MS;

export class ContainerWatch implements ContainerStateSource {
  private state: ObservedContainer = { status: 'created', health: 'none', exitCode: null, restartCount: 0, startedAt: Number.NaN };
  private eventCount = 0;
  private readonly listeners = new Set<() => void>();
  private readonly stop = new AbortController();
  private lastOutputWake = 0;
  private lostEngine: DevstackError | undefined;

  private constructor(
    private readonly engine: ContainerQueryPort & EventsLogsPort,
    readonly containerId: string,
    private readonly clock: Clock,
  ) {}

  /** Subscribes to the project's events first, then inspects once (an event may already have passed). */
  static async open(engine: ContainerQueryPort & EventsLogsPort, project: string, containerId: string, signal: AbortSignal, clock: Clock = systemClock): Promise<ContainerWatch> {
    const watch = new ContainerWatch(engine, containerId, clock);
    const onAbort = () => watch.close();
    signal.addEventListener('abort', onAbort, { once: true });
    watch.stop.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort), { once: true });
    watch.follow(engine.events({ project }, watch.stop.signal));
    try {
      await watch.refresh();
    } catch (error) {
      watch.close();
      throw error;
    }
    return watch;
  }

  get current(): ObservedContainer {
    return this.state;
  }

  /** Set once the engine stopped answering (its event stream broke and an inspect could not reach it). */
  get engineLost(): DevstackError | undefined {
    return this.lostEngine;
  }

  /**
   * Inspects now. An event that arrives during the inspect may be newer than its snapshot: then inspect
   * again (the second snapshot is taken after that event), and apply the last one regardless after 3 tries.
   */
  async refresh(): Promise<ContainerDetails | undefined> {
    for (let attempt = 1; ; attempt++) {
      const countBefore = this.eventCount;
      let details: ContainerDetails;
      try {
        // One dropped connection is not a lost engine: a second inspect decides.
        details = await this.engine.inspectContainer(this.containerId).catch((error: unknown) => {
          if (isEngineLoss(error)) return this.engine.inspectContainer(this.containerId);
          throw error;
        });
      } catch (error) {
        if (isDevstackError(error) && error.kind === 'not-found') {
          this.update({ ...this.state, status: 'removed' });
          return undefined;
        }
        if (isEngineLoss(error)) this.loseEngine(error);
        throw error;
      }
      if (this.eventCount === countBefore || attempt === 3) {
        this.update(observedFromDetails(details));
        return details;
      }
    }
  }

  /** Resolves at the next change, after `ms`, or when `signal` aborts — whichever is first. */
  async changeOrDelay(ms: number, signal: AbortSignal): Promise<void> {
    const changed = new AbortController();
    const onChange = () => changed.abort();
    this.listeners.add(onChange);
    try {
      await this.clock.sleep(ms, AbortSignal.any([signal, changed.signal]));
    } finally {
      this.listeners.delete(onChange);
    }
  }

  /**
   * From now on, output from the container also ends `changeOrDelay` (at most once per OUTPUT_WAKE_GAP_MS, so a
   * chatty container does not turn the wait into a busy loop). Output is only a hint: the probe decides.
   */
  wakeOnOutput(): void {
    const output = this.engine.logs(this.containerId, { follow: true, since: this.clock.now() / 1000, tail: 0, timestamps: false }, this.stop.signal);
    const loop = async () => {
      try {
        for await (const _line of output) {
          const now = this.clock.now();
          if (now - this.lastOutputWake < OUTPUT_WAKE_GAP_MS) continue;
          this.lastOutputWake = now;
          for (const listener of [...this.listeners]) listener();
        }
      } catch {
        // The stream ended (abort, container gone, engine hiccup): the waiter's own schedule goes on.
      }
    };
    void loop();
  }

  close(): void {
    this.stop.abort();
    for (const listener of [...this.listeners]) listener();
  }

  private follow(events: AsyncIterable<EngineEvent>): void {
    const iterator = events[Symbol.asyncIterator]();
    const loop = async () => {
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          const event = next.value;
          if (event.type === 'container' && sameContainer(event.id, this.containerId)) this.applyEvent(event);
        }
      } catch {
        // Below: whether the engine is gone is for an inspect to say, not for the stream.
      }
      // The stream ended without being asked to (engine stopped, connection dropped): one inspect tells which.
      if (!this.stop.signal.aborted) await this.refresh().catch(() => undefined);
    };
    void loop();
  }

  private loseEngine(error: DevstackError): void {
    this.lostEngine ??= error;
    for (const listener of [...this.listeners]) listener();
  }

  private applyEvent(event: EngineEvent): void {
    this.eventCount += 1;
    const next = applyContainerEvent(this.state, event);
    if (next !== this.state) this.update(next);
  }

  private update(next: ObservedContainer): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}

/** The container state after one of its events; the same object when the event changes nothing we track. */
export function applyContainerEvent(state: ObservedContainer, event: EngineEvent): ObservedContainer {
  const action = event.action;
  if (action.startsWith('health_status')) {
    const health = action.slice(action.indexOf(':') + 1).trim();
    if (health === 'healthy' || health === 'unhealthy' || health === 'starting') return { ...state, health };
    return state;
  }
  switch (action) {
    case 'create':
      return { ...state, status: 'created' };
    case 'start':
    case 'restart':
      return { ...state, status: 'running', health: state.health === 'none' ? 'none' : 'starting', exitCode: null, startedAt: event.time };
    case 'unpause':
      return { ...state, status: 'running' };
    case 'pause':
      return { ...state, status: 'paused' };
    case 'die':
      return { ...state, status: 'exited', exitCode: event.exitCode ?? null };
    case 'destroy':
      return { ...state, status: 'removed' };
    default:
      return state;
  }
}

/** The engine cannot be reached any more: waiting for a container's state makes no sense then. */
export function isEngineLoss(error: unknown): error is DevstackError {
  return isDevstackError(error) && error.kind === 'engine-unreachable';
}

/** What an inspect says, in the watch's terms. */
export function observedFromDetails(details: ContainerDetails): ObservedContainer {
  const finished = details.status === 'exited' || details.status === 'dead' || details.status === 'restarting';
  return {
    status: details.status,
    health: details.health,
    exitCode: finished ? details.exitCode : null,
    restartCount: details.restartCount,
    startedAt: Date.parse(details.startedAt),
  };
}

function sameContainer(eventId: string, containerId: string): boolean {
  return eventId === containerId || eventId.startsWith(containerId) || containerId.startsWith(eventId);
}
