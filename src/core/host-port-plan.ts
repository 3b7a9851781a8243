// The contract between `up` and host-port planning: which host port each published container port gets.
// src/engine/ports implements it; use cases receive it injected.
import type { ContainerQueryPort, EngineReachPort, PortBinding } from './engine.js';
import type { ServiceConfig } from './model.js';

export interface HostPortRequest {
  project: string;
  services: ServiceConfig[];
  strict: boolean;
  resetMemory: boolean;
  /** Plan only: remember nothing (`doctor`). */
  dryRun?: boolean;
  stateDir: string;
  signal?: AbortSignal;
}

export interface PlannedBinding extends PortBinding {
  service: string;
  /** Which container of a scaled service (1, 2, …); undefined when the service runs one container. */
  replica?: number;
  declaredHostPort?: number;
}

export interface HostPortPlan {
  bindings: PlannedBinding[];
  remaps: { service: string; replica?: number; declared: number; effective: number; holder: string }[];
  notices: string[];
}

export interface HostPortPlanner {
  plan(engine: ContainerQueryPort & EngineReachPort, req: HostPortRequest): Promise<HostPortPlan>;
  /** Another free port for a binding whose port was taken between planning and starting (the race). */
  /** `engine`: a remote engine's own published ports stand in for this host's sockets. */
  pickReplacement(binding: PlannedBinding, alsoTaken: Set<number>, engine?: ContainerQueryPort & EngineReachPort): Promise<number>;
  /**
   * Remembers a port picked in that race for the project, as a planned remap is remembered. Answers what went
   * wrong with the memory (a cache: said once as a warning, never a failure).
   */
  rememberReplacement(req: { project: string; stateDir: string }, binding: PlannedBinding, hostPort: number): Promise<string[]>;
}
