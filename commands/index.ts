// The command registry oclif reads (package.json: oclif.commands, strategy "explicit"), and the entry point the
// build bundles into dist/cli/devstack.js. Each command's heavy work is imported lazily inside it, so start-up
// evaluates this registry, oclif and the shared flags; `ps` then loads only the chunks `ps` uses.
import { execute } from '@oclif/core/execute';
import { settings } from '@oclif/core/settings';
import { DevstackCommand } from '../src/cli/base-command.js';
import { globalFlagsAfterCommand } from '../src/cli/global-flags-first.js';
import CompleteServices from './complete-services.js';
import Completion from './completion.js';
import Config from './config.js';
import Doctor from './doctor.js';
import Down from './down.js';
import Env from './env.js';
import Forward from './forward.js';
import Init from './init.js';
import Logs from './logs.js';
import Ports from './ports.js';
import Ps from './ps.js';
import ResetDb from './reset-db.js';
import SnapshotDb from './snapshot-db.js';
import Up from './up.js';
import Watch from './watch.js';

export const COMMANDS = {
  'complete-services': CompleteServices,
  completion: Completion,
  config: Config,
  doctor: Doctor,
  down: Down,
  env: Env,
  forward: Forward,
  init: Init,
  logs: Logs,
  ports: Ports,
  ps: Ps,
  'reset-db': ResetDb,
  'snapshot-db': SnapshotDb,
  up: Up,
  watch: Watch,
};

/** Runs the CLI; `dir` is any path inside devstack's package (oclif finds package.json from it). */
export async function run(dir: string = import.meta.url): Promise<void> {
  // Always the built code: under NODE_ENV=development or test (common in a developer's shell), oclif would otherwise
  // look for TypeScript sources and register a transpiler (+45 MB, and not the code that was built).
  settings.enableAutoTranspile = false;
  const globalFlags = Object.entries(DevstackCommand.baseFlags).map(([name, flag]) => ({
    name,
    boolean: flag.type === 'boolean',
    ...(flag.char === undefined ? {} : { char: flag.char }),
  }));
  await execute({ dir, args: globalFlagsAfterCommand(process.argv.slice(2), globalFlags) });
}
