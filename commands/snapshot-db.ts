import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { confirm } from '../src/cli/confirm.js';
import { formatSnapshotDeleted, formatSnapshotList, formatSnapshotSaved } from '../src/cli/render-db.js';
import { LOCK_WAIT_LIMIT_MS, loadProjectFromFlags, openDockerEngine, postgresTools, projectExclusive } from '../src/cli/runtime.js';
import { yesFlag } from '../src/cli/shared-flags.js';
import { DevstackError } from '../src/core/errors.js';

export default class SnapshotDb extends DevstackCommand {
  static override description =
    'Save the databases of a Postgres service as a named snapshot inside the server (restore it with `devstack reset-db --to NAME`); --list and --delete manage them.';
  static override examples = ['<%= config.bin %> snapshot-db seeded', '<%= config.bin %> snapshot-db --list', '<%= config.bin %> snapshot-db --delete seeded'];
  static override args = { name: Args.string({ description: 'The snapshot\'s name (saving one again replaces it).', required: false }) };
  static override flags = {
    service: Flags.string({ char: 's', description: 'The Postgres service (default: the project\'s only one).' }),
    list: Flags.boolean({ description: 'List the snapshots.', default: false, exclusive: ['delete'] }),
    delete: Flags.string({ description: 'Delete this snapshot (asks first).' }),
    yes: yesFlag('Do not ask before deleting.'),
  };

  protected async execute(): Promise<void> {
    const { flags, args } = await this.parse(SnapshotDb);
    if (!flags.list && flags.delete === undefined && args.name === undefined) {
      throw new DevstackError('usage', 'Name the snapshot to save, or pass --list or --delete NAME.', { hint: 'For example `devstack snapshot-db seeded`.' });
    }
    const project = await loadProjectFromFlags(flags);
    const engine = await openDockerEngine(this.interrupt.signal);
    const snapshots = await import('../src/app/db-snapshots.js');
    const { openPostgresAdmin } = await postgresTools(engine);
    const target = {
      project,
      ...(flags.service ? { service: flags.service } : {}),
      signal: this.interrupt.signal,
      onEvent: () => {},
    };
    const deps = { engine, openPostgresAdmin };
    if (flags.list) {
      const { service, snapshots: list } = await snapshots.listDbSnapshots(target, deps);
      if (flags.json) this.printLine(JSON.stringify({ service, snapshots: list }));
      else formatSnapshotList(service, list).forEach((l) => this.printLine(l));
      return;
    }
    const progress = await this.progress(flags.json);
    const exclusive = await projectExclusive(project.name, { signal: this.interrupt.signal, waitLimitMs: LOCK_WAIT_LIMIT_MS, onEvent: progress.onEvent });
    if (flags.delete !== undefined) {
      const name = flags.delete;
      const result = await exclusive(() => snapshots.deleteDbSnapshot({ ...target, name, confirm: (q) => (flags.yes ? Promise.resolve(true) : confirm(q)) }, deps));
      if (flags.json) this.printLine(JSON.stringify({ type: 'result', ...result, name }));
      else this.printLine(formatSnapshotDeleted(result, name));
      return;
    }
    const saved = await exclusive(() => snapshots.saveDbSnapshot({ ...target, name: args.name! }, deps));
    if (flags.json) this.printLine(JSON.stringify({ type: 'result', ...saved }));
    else this.printLine(formatSnapshotSaved(saved));
  }
}
