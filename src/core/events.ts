// Progress events: the core and use cases emit them; renderers (listr2, plain lines, NDJSON) listen.
export type ServicePhase =
  | 'pull'
  | 'build'
  | 'create'
  | 'recreate'
  | 'start'
  | 'wait'
  | 'ready'
  | 'running'
  | 'unchanged'
  | 'skipped'
  | 'failed'
  | 'stop'
  | 'remove';

export type StackEvent =
  /** `replica`: the container's number, on a step of one container of a service that runs several. */
  | { type: 'service'; service: string; replica?: number; phase: ServicePhase; detail?: string }
  | { type: 'resource'; kind: 'network' | 'volume' | 'container'; name: string; action: 'create' | 'remove' | 'keep' }
  | { type: 'notice'; level: 'info' | 'warn'; message: string; service?: string };

export type EventSink = (event: StackEvent) => void;
