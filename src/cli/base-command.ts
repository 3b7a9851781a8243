// Shared flags and the one error boundary of every command: errors become a readable report and an exit code;
// a stack trace only with --verbose. Ctrl-C aborts one controller; a second Ctrl-C exits at once.
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { renderError } from './error-report.js';
import { chooseOutputMode, type OutputMode } from './output-mode.js';
import { useDockerContext } from './runtime.js';
import { chooseProgress } from './progress/choose-progress.js';
import type { ServiceLines } from './progress/progress-lines.js';
import type { ProgressView } from './progress/progress-view.js';

export abstract class DevstackCommand extends Command {
  static override baseFlags = {
    file: Flags.string({ char: 'f', multiple: true, description: 'Compose file (repeatable; merged in order; - reads it from standard input).', helpGroup: 'GLOBAL' }),
    'project-directory': Flags.string({ description: 'The folder relative paths and .env are read from (default: the first compose file\'s folder; the working directory for -f -).', helpGroup: 'GLOBAL' }),
    'project-name': Flags.string({ char: 'p', description: 'Project name (default: the project folder name).', helpGroup: 'GLOBAL' }),
    profile: Flags.string({ multiple: true, description: 'Enable services of this profile (repeatable).', helpGroup: 'GLOBAL' }),
    'env-file': Flags.string({ multiple: true, description: 'Read variables from this file instead of .env.', helpGroup: 'GLOBAL' }),
    json: Flags.boolean({ description: 'Machine-readable output (JSON / NDJSON).', helpGroup: 'GLOBAL', default: false }),
    verbose: Flags.boolean({ description: 'Show stack traces and engine details on errors.', helpGroup: 'GLOBAL', default: false }),
    context: Flags.string({ description: 'Docker context to use (overrides DOCKER_HOST, DOCKER_CONTEXT and `docker context use`).', helpGroup: 'GLOBAL' }),
  };

  protected readonly interrupt = new AbortController();
  private interrupts = 0;

  /** The command's work. Throw DevstackError values; the base renders them. */
  protected abstract execute(): Promise<void>;

  async run(): Promise<void> {
    const onSigint = () => {
      this.interrupts += 1;
      if (this.interrupts > 1) process.exit(130);
      process.stderr.write('\ninterrupting (Ctrl-C again to exit at once)...\n');
      this.interrupt.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    const { flags } = await this.parse(this.constructor as typeof DevstackCommand);
    useDockerContext(flags.context);
    try {
      await this.execute();
    } catch (e) {
      const rendered = renderError(e, flags.verbose);
      if (flags.json) process.stdout.write(`${JSON.stringify(rendered.json)}\n`);
      process.stderr.write(`${rendered.text}\n`);
      process.exitCode = rendered.exitCode;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  }

  protected outputMode(json: boolean): OutputMode {
    // A terminal that reports no width (some CI shells, `script`) cannot host a live display.
    const usableTty = Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) >= 20;
    return chooseOutputMode({ json, env: process.env, stderrIsTty: usableTty });
  }

  /**
   * The one way a command picks its progress display: NDJSON on stdout with --json; a live listr2 line per service
   * (per replica of a scaled one) on a usable terminal when the command follows services (`live`); otherwise plain
   * lines on stderr.
   */
  protected progress(json: boolean, live?: { services: readonly ServiceLines[] }): Promise<ProgressView> {
    const mode = this.outputMode(json);
    return chooseProgress(mode === 'tty' && !live ? 'plain' : mode, live?.services ?? []);
  }

  protected printLine(line: string): void {
    process.stdout.write(`${line}\n`);
  }
}

/** Awaits two independent steps together; if both fail, the first one's error is the one reported. */
export async function bothOrFirstError<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
