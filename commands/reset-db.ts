import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { confirm } from '../src/cli/confirm.js';
import { formatResetDb } from '../src/cli/render-db.js';
import { hostPortPlanner, loadProjectFromFlags, openDockerEngine, postgresTools, projectExclusive, readinessWaiter, remoteBindDeps, stateDir } from '../src/cli/runtime.js';
import { waitTimeoutFlag, yesFlag } from '../src/cli/shared-flags.js';

export default class ResetDb extends DevstackCommand {
  static override description =
    'Give a Postgres service fresh databases: from the "fresh" baseline snapshot in well under a second, else by letting the image initialise new data (then the baseline is saved). Asks first.';
  static override examples = ['<%= config.bin %> reset-db', '<%= config.bin %> reset-db postgres --yes', '<%= config.bin %> reset-db --to seeded', '<%= config.bin %> reset-db --redis --yes'];
  static override args = { service: Args.string({ description: 'The Postgres service (default: the project\'s only one).', required: false }) };
  static override flags = {
    to: Flags.string({ description: 'Restore this snapshot (saved with `devstack snapshot-db NAME`) instead of the fresh state.' }),
    'from-scratch': Flags.boolean({ description: 'Delete the data and let the image initialise it again, even when the baseline matches.', default: false, exclusive: ['to'] }),
    yes: yesFlag('Do not ask before replacing the data.'),
    'wait-timeout': waitTimeoutFlag('Seconds a from-scratch start may take.'),
    redis: Flags.boolean({ description: 'Also empty each Redis-like service of the project (FLUSHALL). Never by default.', default: false }),
  };

  protected async execute(): Promise<void> {
    const { flags, args } = await this.parse(ResetDb);
    const project = await loadProjectFromFlags(flags);
    const engine = await openDockerEngine(this.interrupt.signal);
    const { resetDb } = await import('../src/app/reset-db.js');
    const progress = await this.progress(flags.json);
    const exclusive = await projectExclusive(project.name, { signal: this.interrupt.signal, waitLimitMs: flags['wait-timeout'] * 1000, onEvent: progress.onEvent });
    try {
      const result = await exclusive(async () => resetDb(
        {
          project,
          ...(args.service ? { service: args.service } : {}),
          ...(flags.to ? { to: flags.to } : {}),
          fromScratch: flags['from-scratch'],
          redis: flags.redis,
          confirm: (question) => (flags.yes ? Promise.resolve(true) : confirm(question)),
          waitTimeoutMs: flags['wait-timeout'] * 1000,
          stateDir: stateDir(),
          signal: this.interrupt.signal,
          onEvent: progress.onEvent,
        },
        {
          engine,
          ...(await postgresTools(engine)),
          upDeps: async () => ({
            ports: await hostPortPlanner(),
            waitForService: await readinessWaiter(),
            // A remote engine: the from-scratch `up` carries bind-mounted init scripts as `up` does.
            ...(engine.location?.kind === 'remote' ? { remoteBinds: await remoteBindDeps() } : {}),
          }),
        },
      ));
      await progress.close();
      if (flags.json) this.printLine(JSON.stringify({ type: 'result', ...result }));
      else this.printLine(formatResetDb(result));
    } finally {
      await progress.close();
    }
  }
}
