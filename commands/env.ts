import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { ENV_FORMATS, renderEnv, type EnvFormat } from '../src/cli/render-env.js';
import { loadProjectFromFlags, openDockerEngine } from '../src/cli/runtime.js';
import { DevstackError } from '../src/core/errors.js';

export default class Env extends DevstackCommand {
  static override description = 'Host-facing connection settings of the running stack (DATABASE_URL, REDIS_URL, <SERVICE>_PORT_<N>), with effective ports.';
  static override examples = [
    '<%= config.bin %> env',
    'eval "$(<%= config.bin %> env --format shell)"',
    '<%= config.bin %> env --output .env.devstack',
  ];
  static override flags = {
    format: Flags.string({ description: 'Output format (--json is the same as --format json).', options: [...ENV_FORMATS], default: 'dotenv' }),
    output: Flags.string({ char: 'o', description: 'Write to this file instead of stdout (only over a file devstack env wrote, unless --force).' }),
    force: Flags.boolean({ description: 'With --output: replace the file even if devstack did not write it.', default: false }),
  };

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Env);
    const format = (flags.json ? 'json' : flags.format) as EnvFormat;
    if (flags.output && format === 'json') {
      throw new DevstackError('usage', '--output writes dotenv or shell text, not JSON', { hint: 'use --format dotenv or --format shell with --output' });
    }
    const project = await loadProjectFromFlags(flags, process.cwd(), { cached: true });
    const engine = await openDockerEngine(this.interrupt.signal);
    const { connectionEnv } = await import('../src/app/connection-env.js');
    const env = await connectionEnv({ project }, { engine });
    for (const note of env.notes) process.stderr.write(`note: ${note}\n`);
    const text = renderEnv(env.entries, format, project.name);
    if (flags.output) {
      const { writeEnvFile } = await import('../src/app/env-file.js');
      await writeEnvFile(flags.output, text, { force: flags.force });
      process.stderr.write(`wrote ${env.entries.length} settings to ${flags.output}\n`);
    } else {
      process.stdout.write(text);
    }
  }
}
