import { DevstackCommand } from '../src/cli/base-command.js';
import { loadProjectForTeardown, openDockerEngine } from '../src/cli/runtime.js';

export default class Forward extends DevstackCommand {
  static override description = 'Bring the ports a remote engine publishes to the same ports on this host\'s loopback (through ssh, tcp or an exec in the container), until Ctrl-C.';
  static override examples = ['DOCKER_HOST=ssh://dev@devbox <%= config.bin %> forward'];

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Forward);
    const { name } = await loadProjectForTeardown(flags);
    const engine = await openDockerEngine(this.interrupt.signal);
    if (engine.location?.kind !== 'remote') {
      this.printLine(`the engine runs on this host: ${name}'s published ports are already on this host, nothing to forward`);
      return;
    }
    const [{ forwardProjectPorts }, { forwardPublishedPort }] = await Promise.all([import('../src/app/forward.js'), import('../src/engine/ports/port-forward.js')]);
    const { lines, close } = await forwardProjectPorts(name, engine, forwardPublishedPort);
    if (flags.json) this.printLine(JSON.stringify(lines));
    const width = Math.max(0, ...lines.map((l) => l.service.length));
    for (const l of lines) {
      const where = l.local ? `${l.local} -> engine host ${l.remote}${l.via ? ` via ${l.via}` : ''}` : `engine host ${l.remote}`;
      if (!flags.json) this.printLine(`${l.service.padEnd(width)}  ${l.containerPort}/tcp  ${where}${l.note ? ` (${l.note})` : ''}`);
    }
    if (!lines.some((l) => l.local)) return;
    process.stderr.write('forwarding; Ctrl-C stops\n');
    const { signal } = this.interrupt;
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await close();
  }
}
