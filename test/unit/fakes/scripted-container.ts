// A test's hand on one container of an InMemoryEngine: what the engine does to it on its own, as it happens.
import type { ContainerDetails, EngineEvent, LogRecord } from '../../../src/core/engine.js';
import type { InMemoryEngine } from './in-memory-engine.js';

/** A test's hand on one container: what the engine does to it on its own (exits, crashes, restarts, logs, health). */
export class ScriptedContainer {
  constructor(
    readonly engine: InMemoryEngine,
    readonly id: string,
  ) {}

  get details(): ContainerDetails {
    return this.engine.mustGet(this.id).details;
  }
  set details(details: ContainerDetails) {
    this.engine.mustGet(this.id).details = details;
  }

  emit(event: Partial<EngineEvent> & { action: string }): void {
    this.engine.emit({ id: this.id, ...event });
  }

  /** Exits the container: details and a `die` event. */
  exit(code: number): void {
    this.details = { ...this.details, status: 'exited', exitCode: code };
    this.emit({ action: 'die', exitCode: code });
  }

  /** A line of its output: stdout without a time unless given as a record. */
  log(line: string | LogRecord): void {
    this.engine.appendLog(this.engine.mustGet(this.id), line);
  }

  /** What the engine does when a restart policy answers an exit: `die`, then `restarting` with one more restart. */
  crashAndRestart(code: number): void {
    this.details = { ...this.details, status: 'restarting', exitCode: code, restartCount: this.details.restartCount + 1 };
    this.emit({ action: 'die', exitCode: code });
  }

  /** The engine starts it again (after a policy restart). */
  start(): void {
    this.details = { ...this.details, status: 'running', exitCode: null, startedAt: new Date(this.engine.now()).toISOString() };
    this.emit({ action: 'start' });
  }
}
