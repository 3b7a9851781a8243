import type { EventSink } from '../../core/events.js';

/** A renderer of progress events. `close` flushes whatever it still shows. */
export interface ProgressView {
  onEvent: EventSink;
  close(): Promise<void>;
}
