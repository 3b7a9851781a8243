import { Command } from '@oclif/core/command';

export default class CompleteServices extends Command {
  static override hidden = true;
  static override description = 'The project\'s service names, one a line, for shell completion (reads the compose file only).';

  async run(): Promise<void> {
    const { serviceNamesForCompletion } = await import('../src/compose/service-names.js');
    const names = serviceNamesForCompletion(process.cwd(), process.env);
    if (names.length > 0) process.stdout.write(`${names.join('\n')}\n`);
  }
}
