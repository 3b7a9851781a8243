import { DevstackCommand } from '../src/cli/base-command.js';
import { formatDoctorFindings } from '../src/cli/render-doctor.js';
import { buildContextReader, hostPortPlanner, loadProjectFromFlags, openDockerEngine, stateDir } from '../src/cli/runtime.js';
import { DevstackError } from '../src/core/errors.js';

export default class Doctor extends DevstackCommand {
  static override description =
    'Check what stands between this clone and a running stack: the engine, the compose files, images and build contexts, host ports, and the Dockerfiles against the patterns devstack follows. Changes nothing.';

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    const signal = this.interrupt.signal;
    const { doctor } = await import('../src/app/doctor.js');
    const findings = await doctor(
      { stateDir: stateDir(), cwd: process.cwd(), signal },
      {
        openEngine: () => openDockerEngine(signal),
        loadProject: () => loadProjectFromFlags(flags, process.cwd(), { printWarnings: false }),
        ports: await hostPortPlanner(),
        readBuildContext: await buildContextReader(),
      },
    );
    if (flags.json) this.printLine(JSON.stringify(findings));
    else formatDoctorFindings(findings).forEach((l) => this.printLine(l));
    const failed = findings.filter((f) => f.status === 'fail');
    if (failed.length > 0) {
      throw new DevstackError(failed[0]!.kind ?? 'internal', `${failed.length} of the checks failed; \`devstack up\` would stop on ${failed.length === 1 ? 'it' : 'them'}.`, {
        hint: 'Each failure above says how to fix it.',
      });
    }
  }
}
