import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { formatDoctorFindings } from '../src/cli/render-doctor.js';
import { buildContextReader, doctorHostPort, hostPortPlanner, loadProjectFromFlags, openDockerEngine, stateDir } from '../src/cli/runtime.js';
import { DevstackError } from '../src/core/errors.js';

export default class Doctor extends DevstackCommand {
  static override description =
    'Check what stands between this clone and a running stack: the engine and its socket, the compose files and .env, images and build contexts, bind-mounted folders, host ports, inotify and disk room, and the Dockerfiles against the patterns devstack follows. Changes nothing.';
  static override flags = {
    format: Flags.string({ description: 'text (default), json, or sarif (SARIF 2.1.0 for code scanning: the findings at a file line).', options: ['text', 'json', 'sarif'] }),
  };

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
        host: await doctorHostPort(),
      },
    );
    const format = flags.format ?? (flags.json ? 'json' : 'text');
    if (format === 'sarif') {
      const { doctorSarif } = await import('../src/cli/render-doctor-sarif.js');
      this.printLine(JSON.stringify(doctorSarif(findings, { cwd: process.cwd(), version: this.config.version }), null, 2));
    } else if (format === 'json') this.printLine(JSON.stringify(findings));
    else formatDoctorFindings(findings).forEach((l) => this.printLine(l));
    const failed = findings.filter((f) => f.status === 'fail');
    if (failed.length > 0) {
      throw new DevstackError(failed[0]!.kind ?? 'internal', `${failed.length} of the checks failed; \`devstack up\` would stop on ${failed.length === 1 ? 'it' : 'them'}.`, {
        hint: 'Each failure above says how to fix it.',
      });
    }
  }
}
