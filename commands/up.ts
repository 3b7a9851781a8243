import * as Flags from '@oclif/core/flags';
import { bothOrFirstError, DevstackCommand } from '../src/cli/base-command.js';
import { formatUpSummary } from '../src/cli/render-up.js';
import { strictPortsFlag, waitTimeoutFlag } from '../src/cli/shared-flags.js';
import { bindMountFacts, hostPortPlanner, loadProjectFromFlags, openDockerEngine, projectExclusive, readinessWaiter, remoteBindDeps, stateDir } from '../src/cli/runtime.js';

export default class Up extends DevstackCommand {
  static override description = 'Build, create and start the stack in dependency order; return when every service is ready.';
  static override strict = false;
  static override usage = 'up [SERVICE...]';
  static override examples = ['<%= config.bin %> up', '<%= config.bin %> up backend --build', '<%= config.bin %> up --watch'];
  static override flags = {
    build: Flags.boolean({ description: 'Build images even when they exist.', default: false }),
    'force-recreate': Flags.boolean({ description: 'Recreate containers even if unchanged.', default: false }),
    'remove-orphans': Flags.boolean({ description: 'Remove containers of services no longer in the compose file.', default: false }),
    'strict-ports': strictPortsFlag('Use exactly the declared host ports; fail when one is taken.'),
    'reset-ports': Flags.boolean({ description: 'Forget remembered port remaps for this project.', default: false }),
    'wait-timeout': waitTimeoutFlag('Seconds the whole up may take.'),
    detach: Flags.boolean({ char: 'd', description: 'Accepted for compose compatibility (up always returns once ready).', default: false }),
    watch: Flags.boolean({ char: 'w', description: 'Stay in the foreground: stream logs and apply develop.watch rules (Ctrl-C stops watching; the stack keeps running).', default: false }),
    down: Flags.boolean({ description: 'With --watch: remove the stack (not its volumes) when watching stops.', default: false, dependsOn: ['watch'] }),
    scale: Flags.string({ description: 'SERVICE=N: run N containers of the service (over scale/deploy.replicas); repeatable.', multiple: true, default: [] }),
  };

  protected async execute(): Promise<void> {
    const { flags, argv } = await this.parse(Up);
    // What `up` runs on is loaded while the compose files are read and the engine answers.
    const useCase = settledLater(import('../src/app/up.js'));
    const ports = settledLater(hostPortPlanner());
    const waiter = settledLater(readinessWaiter());
    // The compose files and the engine connection are independent: read one while the other answers.
    const [loaded, engine] = await bothOrFirstError(loadProjectFromFlags(flags), openDockerEngine(this.interrupt.signal));
    const { up } = await useCase;
    const project = (await import('../src/app/scale-overrides.js')).applyScaleOverrides(loaded, flags.scale);
    const services = argv.map(String);
    const startedAt = Date.now();
    const { replicaCount } = await import('../src/core/container-spec.js');
    const shown = (services.length ? services : Object.keys(project.services)).map((n) => ({ service: n, replicas: project.services[n] ? replicaCount(project.services[n]) : 1 }));
    const progress = await this.progress(flags.json, { services: shown });
    const exclusive = await projectExclusive(project.name, { signal: this.interrupt.signal, waitLimitMs: flags['wait-timeout'] * 1000, onEvent: progress.onEvent });
    try {
      const result = await exclusive(async () => up(
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
        {
          engine,
          ports: await ports,
          waitForService: await waiter,
          bindMounts: await bindMountFacts(),
          ...(engine.location?.kind === 'remote' ? { remoteBinds: await remoteBindDeps() } : {}),
        },
      ));
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
      logsSince: startedAt / 1000, downAfter: flags.down, scale: flags.scale, bindsFilledByUp: true, signal: this.interrupt.signal,
    });
  }
}

/** A promise awaited later: until then, a rejection is not "unhandled" (it surfaces where it is awaited). */
function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
