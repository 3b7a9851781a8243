// The `up` a use case runs on the user's behalf — watch's rebuild and reload, reset-db's fresh start: only the
// services named, nothing forced or recreated beyond what changed, no build of an image that exists, remembered
// host ports kept. The settings come from the session that asked (its flags, signal and event sink).
import type { EventSink } from '../core/events.js';
import type { Project } from '../core/model.js';
import type { UpRequest } from './up.js';

export interface NestedUpSettings {
  strictPorts: boolean;
  waitTimeoutMs: number;
  stateDir: string;
  signal: AbortSignal;
  onEvent: EventSink;
}

export function nestedUpRequest(project: Project, services: string[], settings: NestedUpSettings, rebuild?: string[]): UpRequest {
  return {
    project,
    services,
    ...(rebuild ? { rebuild } : {}),
    forceRecreate: false,
    removeOrphans: false,
    build: false,
    resetPorts: false,
    strictPorts: settings.strictPorts,
    waitTimeoutMs: settings.waitTimeoutMs,
    stateDir: settings.stateDir,
    signal: settings.signal,
    onEvent: settings.onEvent,
  };
}
