import * as Flags from '@oclif/core/flags';
import { bothOrFirstError, DevstackCommand } from '../src/cli/base-command.js';
import { chooseProgress } from '../src/cli/progress/choose-progress.js';
import { formatUpSummary } from '../src/cli/render-up.js';
import { hostPortPlanner, loadProjectFromFlags, openDockerEngine, readinessWaiter, remoteBindDeps, stateDir } from '../src/cli/runtime.js';

export default class Up extends DevstackCommand {
  static override description = 'Build, create and start the stack in dependency order; return when every service is ready.';
  static override strict = false;
  static override usage = 'up [SERVICE...]';
  static override examples = ['<%= config.bin %> up', '<%= config.bin %> up backend --build', '<%= config.bin %> up --watch'];
  static override flags = {
    build: Flags.boolean({ description: 'Build images even when they exist.', default: false }),
    'force-recreate': Flags.boolean({ description: 'Recreate containers even if unchanged.', default: false }),
    'remove-orphans': Flags.boolean({ description: 'Remove containers of services no longer in the compose file.', default: false }),
    'strict-ports': Flags.boolean({ description: 'Use exactly the declared host ports; fail when one is taken.', default: false }),
    'reset-ports': Flags.boolean({ description: 'Forget remembered port remaps for this project.', default: false }),
    'wait-timeout': Flags.integer({ description: 'Seconds the whole up may take.', default: 300, min: 1 }),
    detach: Flags.boolean({ char: 'd', description: 'Accepted for compose compatibility (up always returns once ready).', default: false }),
    watch: Flags.boolean({ char: 'w', description: 'Stay in the foreground: stream logs and apply develop.watch rules (Ctrl-C stops watching; the stack keeps running).', default: false }),
    down: Flags.boolean({ description: 'With --watch: remove the stack (not its volumes) when watching stops.', default: false, dependsOn: ['watch'] }),
  };

  protected async execute(): Promise<void> {
    const { flags, argv } = await this.parse(Up);
    // What `up` runs on is loaded while the compose files are read and the engine answers.
    const useCase = settledLater(import('../src/app/up.js'));
    const ports = settledLater(hostPortPlanner());
    const waiter = settledLater(readinessWaiter());
    // The compose files and the engine connection are independent: read one while the other answers.
    const [project, engine] = await bothOrFirstError(loadProjectFromFlags(flags), openDockerEngine(this.interrupt.signal));
    const { up } = await useCase;
    const services = argv.map(String);
    const startedAt = Date.now();
    const progress = chooseProgress(this.outputMode(flags.json), services.length ? services : Object.keys(project.services));
    try {
      const result = await up(
        {
          project,
          services,
          forceRecreate: flags['force-recreate'],
          removeOrphans: flags['remove-orphans'],
          build: flags.build,
          strictPorts: flags['strict-ports'],
          resetPorts: flags['reset-ports'],
          waitTimeoutMs: flags['wait-timeout'] * 1000,
          stateDir: stateDir(),
          signal: this.interrupt.signal,
          onEvent: progress.onEvent,
        },
        { engine, ports: await ports, waitForService: await waiter, ...(engine.location?.kind === 'remote' ? { remoteBinds: await remoteBindDeps() } : {}) },
      );
      await progress.close();
      if (flags.json) this.printLine(JSON.stringify({ type: 'result', ...result }));
      else formatUpSummary(result).forEach((l) => this.printLine(l));
    } finally {
      await progress.close();
    }
    if (!flags.watch) return;
    const { runWatchSession } = await import('../src/cli/watch-session.js');
    await runWatchSession({
      project, engine, flags, services, upServices: services, strictPorts: flags['strict-ports'], waitTimeoutMs: flags['wait-timeout'] * 1000,
      logsSince: startedAt / 1000, downAfter: flags.down, signal: this.interrupt.signal,
    });
  }
}

/** A promise awaited later: until then, a rejection is not "unhandled" (it surfaces where it is awaited). */
function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
