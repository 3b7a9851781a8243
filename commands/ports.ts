import { DevstackCommand } from '../src/cli/base-command.js';
import { formatPortLines } from '../src/cli/render-ports.js';
import { loadProjectForTeardown, openDockerEngine } from '../src/cli/runtime.js';

export default class Ports extends DevstackCommand {
  static override description = 'Where each published container port is reachable on this host (remapped ports included).';
  static override examples = ['<%= config.bin %> ports', '<%= config.bin %> ports --json'];

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Ports);
    const { name } = await loadProjectForTeardown(flags);
    const engine = await openDockerEngine(this.interrupt.signal);
    const { portsView } = await import('../src/app/ports-view.js');
    const rows = await portsView({ projectName: name }, { engine });
    const { forwardNote } = await import('../src/core/remote-addresses.js');
    const note = forwardNote(engine.location, rows.map((r) => ({ containerPort: r.containerPort, protocol: r.protocol, hostIp: r.hostIp, hostPort: r.hostPort })));
    if (note) process.stderr.write(`note: ${note}\n`);
    if (flags.json) this.printLine(JSON.stringify(rows));
    else formatPortLines(rows).forEach((l) => this.printLine(l));
  }
}
