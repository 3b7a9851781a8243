// Flags more than one command takes, declared once: same name, short form, default and limits everywhere;
// each command says in its own words what the flag does there.
import * as Flags from '@oclif/core/flags';

/** `--wait-timeout SECONDS` (default 300): how long readiness may take. */
export function waitTimeoutFlag(description: string) {
  return Flags.integer({ description, default: 300, min: 1 });
}

/** `-y, --yes`: do not ask before a destructive step. */
export function yesFlag(description: string) {
  return Flags.boolean({ char: 'y', description, default: false });
}

/** `--strict-ports`: use exactly the declared host ports; a taken one is an error, not a remap. */
export function strictPortsFlag(description: string) {
  return Flags.boolean({ description, default: false });
}
