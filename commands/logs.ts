import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { loadProjectForTeardown, openDockerEngine } from '../src/cli/runtime.js';

export default class Logs extends DevstackCommand {
  static override description = 'Show the log lines of the stack\'s services; -f keeps following them through restarts and recreates.';
  static override strict = false;
  static override usage = 'logs [SERVICE...]';
  static override examples = ['<%= config.bin %> logs -f', '<%= config.bin %> logs backend -n 50 --since 10m', '<%= config.bin %> logs --json | jq .text'];
  // -f is --follow here (as in `docker compose logs -f`); the compose file is --file.
  static override baseFlags = { ...DevstackCommand.baseFlags, file: Flags.string({ multiple: true, description: 'Compose file (repeatable; merged in order; - reads it from standard input).', helpGroup: 'GLOBAL' }) };
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'Keep following new lines (Ctrl-C ends, exit 0).', default: false }),
    tail: Flags.string({ char: 'n', description: 'Lines from the end of each container\'s log: a number or "all".', default: 'all' }),
    since: Flags.string({ description: 'Lines since a time: RFC 3339, unix seconds, or a duration back from now (10m, 1h30m).' }),
    until: Flags.string({ description: 'Lines until a time (same forms as --since).' }),
    timestamps: Flags.boolean({ char: 't', description: 'Show the engine\'s timestamp of each line.', default: false }),
    color: Flags.boolean({ description: 'Colour the service prefixes (on a terminal or with FORCE_COLOR; never with NO_COLOR).', default: true, allowNo: true }),
    'log-prefix': Flags.boolean({ description: 'Prefix each line with its service.', default: true, allowNo: true }),
  };

  protected async execute(): Promise<void> {
    const { flags, argv } = await this.parse(Logs);
    const { name, services } = await loadProjectForTeardown(flags);
    const engine = await openDockerEngine(this.interrupt.signal);
    const { parseTail, streamProjectLogs } = await import('../src/app/logs.js');
    const { printLogLines } = await import('../src/cli/log-printer.js');
    const known = Object.keys(services);
    const tail = parseTail(flags.tail);
    // The reader going away (EPIPE) ends the log streams at once, not at the next line.
    const readerGone = new AbortController();
    const lines = streamProjectLogs({
      project: name,
      services: argv.map(String),
      ...(known.length > 0 ? { knownServices: known } : {}),
      follow: flags.follow,
      ...(tail !== undefined ? { tail } : {}),
      ...(flags.since !== undefined ? { since: flags.since } : {}),
      ...(flags.until !== undefined ? { until: flags.until } : {}),
      timestamps: flags.timestamps,
      signal: AbortSignal.any([this.interrupt.signal, readerGone.signal]),
    }, { engine });
    // A quiet followed log would otherwise notice a reader that left (`| head -1`) only at its next line.
    const stopWatchingReader = flags.follow ? (await import('../src/cli/pipe-reader.js')).watchPipeReader(1, () => readerGone.abort()) : () => {};
    const printed = await printLogLines(lines, {
      out: process.stdout, services: known, timestamps: flags.timestamps, prefix: flags['log-prefix'], json: flags.json, color: flags.color,
      signal: this.interrupt.signal, onReaderGone: () => readerGone.abort(),
    });
    stopWatchingReader();
    // Ctrl-C while a paused reader (less, Ctrl-S) holds text back: Node would wait for the pipe before exiting.
    if (printed.unwritten) process.exit(0);
  }
}
