import { DevstackCommand } from '../src/cli/base-command.js';
import { loadProjectFromFlags, openDockerEngine } from '../src/cli/runtime.js';
import { strictPortsFlag, waitTimeoutFlag } from '../src/cli/shared-flags.js';

export default class Watch extends DevstackCommand {
  static override description =
    'Apply develop.watch rules to a stack that is up (sync files, rebuild, reload on compose changes) and stream its logs. Ctrl-C stops watching; the stack keeps running.';
  static override strict = false;
  static override usage = 'watch [SERVICE...]';
  static override examples = ['<%= config.bin %> watch', '<%= config.bin %> watch frontend'];
  static override flags = {
    'strict-ports': strictPortsFlag('On a rebuild or reload: fail when a declared host port is taken.'),
    'wait-timeout': waitTimeoutFlag('Seconds a rebuild or reload may take to be ready.'),
  };

  protected async execute(): Promise<void> {
    const { flags, argv } = await this.parse(Watch);
    const project = await loadProjectFromFlags(flags);
    const engine = await openDockerEngine(this.interrupt.signal);
    const { runWatchSession } = await import('../src/cli/watch-session.js');
    await runWatchSession({
      project,
      engine,
      flags,
      services: argv.map(String),
      strictPorts: flags['strict-ports'],
      waitTimeoutMs: flags['wait-timeout'] * 1000,
      downAfter: false,
      signal: this.interrupt.signal,
    });
  }
}
