import { bothOrFirstError, DevstackCommand } from '../src/cli/base-command.js';
import { loadProjectForTeardown, openDockerEngine } from '../src/cli/runtime.js';
import { formatPsTable } from '../src/cli/render-ps.js';

export default class Ps extends DevstackCommand {
  static override description = 'List the stack\'s containers: service, container, state, health, published ports.';

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Ps);
    // Side by side: the engine's bundle loads and the engine answers its ping while the project is read.
    const [{ name }, engine] = await bothOrFirstError(loadProjectForTeardown(flags), openDockerEngine(this.interrupt.signal));
    const { ps } = await import('../src/app/ps.js');
    const rows = await ps({ projectName: name }, { engine });
    if (flags.json) this.printLine(JSON.stringify(rows));
    else formatPsTable(rows).forEach((l) => this.printLine(l));
  }
}
