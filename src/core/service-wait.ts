// The contract between `up` and readiness: wait until a service's container meets a depends_on condition.
// src/engine/probes implements it; use cases receive it as a function, so unit tests can pass a fake.
import type { Engine } from './engine.js';
import type { ServiceConfig } from './model.js';

export type WaitCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface WaitRequest {
  engine: Engine;
  project: string;
  service: ServiceConfig;
  containerId: string;
  condition: WaitCondition;
  signal: AbortSignal;
  timeoutMs: number;
}

export type WaitResult =
  | { ok: true; probe: string; elapsedMs: number; attempts: number }
  | {
      ok: false;
      probe: string;
      elapsedMs: number;
      reason: 'exited' | 'unhealthy' | 'timeout' | 'aborted' | 'failed';
      lastError?: string;
      exitCode?: number;
      healthLog?: string[];
    };

export type WaitForService = (req: WaitRequest) => Promise<WaitResult>;
