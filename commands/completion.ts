import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { COMPLETION_SHELLS, SERVICES_COMMAND, completionScript, type CompletionCommand, type CompletionShell } from '../src/cli/completion-script.js';

export default class Completion extends Command {
  static override description =
    'Print the shell completion script for bash, zsh or fish: commands, flags and the project\'s service names (read from the compose file; the engine is not asked).';
  static override examples = [
    'source <(<%= config.bin %> completion bash)   # in ~/.bashrc',
    'source <(<%= config.bin %> completion zsh)    # in ~/.zshrc, after compinit',
    '<%= config.bin %> completion fish > ~/.config/fish/completions/<%= config.bin %>.fish',
  ];
  static override args = { shell: Args.string({ description: 'bash, zsh or fish (default: from $SHELL).', options: COMPLETION_SHELLS, required: false }) };

  async run(): Promise<void> {
    const { args } = await this.parse(Completion);
    const fromEnv = (process.env.SHELL ?? '').split('/').pop() as CompletionShell;
    const shell = (args.shell as CompletionShell | undefined) ?? (COMPLETION_SHELLS.includes(fromEnv) ? fromEnv : 'bash');
    const commands: CompletionCommand[] = this.config.commands
      .filter((c) => !c.hidden && c.id !== SERVICES_COMMAND)
      .map((c) => ({
        id: c.id,
        description: c.summary ?? c.description ?? '',
        flags: Object.entries(c.flags)
          .filter(([, f]) => !f.hidden)
          .map(([name, f]) => ({
            name,
            ...(f.char ? { char: f.char } : {}),
            description: f.summary ?? f.description ?? '',
            takesValue: f.type === 'option',
            ...(f.type === 'option' && f.options ? { options: [...f.options] } : {}),
          })),
        // commands taking a list of services (strict: false), or a SERVICE argument
        completesServices: c.strict === false || Object.keys(c.args ?? {}).includes('service'),
      }));
    process.stdout.write(completionScript(shell, this.config.bin, commands));
  }
}
