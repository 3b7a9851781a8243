import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { confirm } from '../src/cli/confirm.js';
import { LOCK_WAIT_LIMIT_MS, loadProjectForTeardown, openDockerEngine, projectExclusive } from '../src/cli/runtime.js';
import { yesFlag } from '../src/cli/shared-flags.js';

export default class Down extends DevstackCommand {
  static override description = 'Stop and remove the stack\'s containers and networks. Named volumes are kept unless --volumes.';
  static override flags = {
    volumes: Flags.boolean({ char: 'v', description: 'Also remove the project\'s named and anonymous volumes (asks first).', default: false }),
    yes: yesFlag('Do not ask before removing volumes.'),
    timeout: Flags.integer({ char: 't', description: 'Seconds to wait for containers to stop.', default: 10, min: 0 }),
  };

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Down);
    const { name, services } = await loadProjectForTeardown(flags);
    const engine = await openDockerEngine(this.interrupt.signal);
    const { down } = await import('../src/app/down.js');
    const progress = await this.progress(flags.json);
    const exclusive = await projectExclusive(name, { signal: this.interrupt.signal, waitLimitMs: LOCK_WAIT_LIMIT_MS, onEvent: progress.onEvent });
    const result = await exclusive(async () => down(
      {
        projectName: name,
        services,
        removeVolumes: flags.volumes,
        confirmVolumeRemoval: (volumes) =>
          flags.yes ? Promise.resolve(true) : confirm(`Remove volumes ${volumes.join(', ')} and all their data?`),
        stopTimeoutS: flags.timeout,
        signal: this.interrupt.signal,
        onEvent: progress.onEvent,
      },
      { engine },
    ));
    if (flags.json) this.printLine(JSON.stringify({ type: 'result', project: name, ...result }));
    else this.printLine(`project ${name}: removed ${result.containers.length} containers, ${result.networks.length} networks, ${result.volumes.length} volumes`);
  }
}
