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
  | { type: 'service'; service: string; phase: ServicePhase; detail?: string }
  | { type: 'resource'; kind: 'network' | 'volume' | 'container'; name: string; action: 'create' | 'remove' | 'keep' }
  | { type: 'notice'; level: 'info' | 'warn'; message: string; service?: string };

export type EventSink = (event: StackEvent) => void;
