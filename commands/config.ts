import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { loadProjectFromFlags } from '../src/cli/runtime.js';

export default class Config extends DevstackCommand {
  static override description = 'Print the normalized compose model (YAML, or JSON with --json). Secrets are masked.';
  static override flags = {
    'show-secrets': Flags.boolean({ description: 'Show values that look secret instead of masking them.', default: false }),
    services: Flags.boolean({ description: 'Print only the service names.', default: false }),
  };

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Config);
    const project = await loadProjectFromFlags(flags);
    if (flags.services) {
      Object.keys(project.services).forEach((s) => this.printLine(s));
      return;
    }
    // The YAML writer comes with the compose loader's chunk: a static import of yaml here would put it in the
    // bundle every command evaluates.
    const { composeConfigYaml, renderComposeConfig } = await import('../src/compose/index.js');
    const doc = renderComposeConfig(project, { showSecrets: flags['show-secrets'] });
    process.stdout.write(flags.json ? `${JSON.stringify(doc, null, 2)}\n` : composeConfigYaml(doc));
  }
}
