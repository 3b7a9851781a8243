// A log line is ready when a line of the container's output matches the pattern (all output since start).
import type { EventsLogsPort } from '../../core/engine.js';
import { describeError, notReady, READY, type ProbeOutcome, type ReadinessProbe } from './probe.js';

export interface LogProbeOptions {
  engine: EventsLogsPort;
  containerId: string;
  pattern: string;
}

export function createLogProbe(options: LogProbeOptions): ReadinessProbe {
  let matcher: RegExp | undefined;
  let invalidPattern: string | undefined;
  try {
    matcher = new RegExp(options.pattern);
  } catch (error) {
    invalidPattern = describeError(error);
  }
  let matched = false;
  let following: AbortController | undefined;
  let streamError: string | undefined;

  const follow = () => {
    const stop = new AbortController();
    following = stop;
    void (async () => {
      try {
        for await (const record of options.engine.logs(options.containerId, { follow: true, timestamps: false }, stop.signal)) {
          if (matcher?.test(record.text)) {
            matched = true;
            stop.abort();
            return;
          }
        }
      } catch (error) {
        if (!stop.signal.aborted) streamError = describeError(error);
      }
      // The stream ended without a match (container stopped, engine hiccup): follow again on the next attempt.
      if (following === stop) following = undefined;
    })();
  };

  return {
    description: `log line /${options.pattern}/`,
    async attempt(_signal: AbortSignal): Promise<ProbeOutcome> {
      if (invalidPattern) return { ready: false, fatal: true, reason: `x-devstack.ready log pattern is not a valid regular expression: ${invalidPattern}` };
      if (matched) return READY;
      if (!following) follow();
      return notReady(streamError ? `reading logs: ${streamError}` : `no log line matches /${options.pattern}/ yet`);
    },
    async close(): Promise<void> {
      following?.abort();
      following = undefined;
    },
  };
}
