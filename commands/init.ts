import * as Flags from '@oclif/core/flags';
import { DevstackCommand } from '../src/cli/base-command.js';
import { initFiles } from '../src/cli/runtime.js';

export default class Init extends DevstackCommand {
  static override description =
    'Write a compose.yaml for a Node.js project that has none (Postgres and Redis when its dependencies use them), and a Dockerfile.dev and .dockerignore per app. Never writes over a file.';
  static override flags = {
    'dry-run': Flags.boolean({ description: 'Print the files instead of writing them.', default: false }),
  };

  protected async execute(): Promise<void> {
    const { flags } = await this.parse(Init);
    const [{ initProject }, deps] = await Promise.all([import('../src/app/init.js'), initFiles()]);
    const result = initProject({ dir: process.cwd(), dryRun: flags['dry-run'] }, deps);
    if (flags.json) {
      this.printLine(JSON.stringify({ type: 'result', ...result }));
      return;
    }
    if (flags['dry-run']) {
      for (const f of result.files) this.printLine(`--- ${f.path}\n${f.content}`);
      return;
    }
    for (const s of result.services) this.printLine(`service ${s}`);
    for (const f of result.written) this.printLine(`wrote ${f}`);
    for (const f of result.kept) this.printLine(`kept ${f} (it exists)`);
    this.printLine('next: `devstack doctor`, then `devstack up`');
  }
}
