// What `up` needs from readiness and port planning, as injected functions: the composition root passes the
// real ones (src/engine/probes, src/engine/ports); unit tests pass fakes.
import type { Engine, PortBinding } from '../core/engine.js';
import type { ServiceConfig } from '../core/model.js';

export type WaitCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

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

export interface WaitRequest {
  engine: Engine;
  project: string;
  service: ServiceConfig;
  containerId: string;
  condition: WaitCondition;
  signal: AbortSignal;
  timeoutMs: number;
}

export type WaitForService = (req: WaitRequest) => Promise<WaitResult>;

export interface PlannedBinding extends PortBinding {
  service: string;
  declaredHostPort?: number;
}

export interface HostPortPlan {
  bindings: PlannedBinding[];
  remaps: { service: string; declared: number; effective: number; holder: string }[];
  notices: string[];
}

export interface HostPortRequest {
  project: string;
  services: ServiceConfig[];
  strict: boolean;
  resetMemory: boolean;
  stateDir: string;
  signal?: AbortSignal;
}

export interface HostPortPlanner {
  plan(engine: Engine, req: HostPortRequest): Promise<HostPortPlan>;
  pickReplacement(binding: PlannedBinding, alsoTaken: Set<number>): Promise<number>;
}
