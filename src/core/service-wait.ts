// The contract between `up` and readiness: wait until a service's container meets a depends_on condition.
// src/engine/probes implements it; use cases receive it as a function, so unit tests can pass a fake.
import type { ContainerQueryPort, EngineReachPort, EventsLogsPort, ExecPort } from './engine.js';
import type { ServiceConfig } from './model.js';

export type WaitCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface WaitRequest {
  /** Inspects and follows the container, then probes it (log lines; a relay or an exec on a remote engine). */
  engine: ContainerQueryPort & EventsLogsPort & EngineReachPort & ExecPort;
  project: string;
  service: ServiceConfig;
  containerId: string;
  condition: WaitCondition;
  signal: AbortSignal;
  timeoutMs: number;
}

export type WaitResult =
  | {
      ok: true;
      probe: string;
      elapsedMs: number;
      attempts: number;
      /** The container's restart count when it was seen ready: a higher one later means it crashed since. */
      restartCount?: number;
    }
  | {
      ok: false;
      probe: string;
      elapsedMs: number;
      /**
       * restarting: the engine's restart policy keeps restarting it (a crash loop); rejected: the service answered
       * in a way waiting will not change (a wrong password, a database that does not exist).
       */
      reason: 'exited' | 'unhealthy' | 'timeout' | 'aborted' | 'failed' | 'restarting' | 'rejected';
      lastError?: string;
      exitCode?: number;
      /** How often the engine restarted the container, and under which compose `restart:` (reason `restarting`). */
      restarts?: number;
      restartPolicy?: string;
      healthLog?: string[];
      /** What to do, when the waiter knows better than the generic advice. */
      hint?: string;
    };

export type WaitForService = (req: WaitRequest) => Promise<WaitResult>;
