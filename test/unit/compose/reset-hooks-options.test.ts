// x-devstack.reset.run: the commands reset-db runs after a reset, read with their positions; bad forms are
// located errors.
import { describe, expect, it } from 'vitest';
import { composeErrorOf, loadYaml } from './temp-project.js';

describe('x-devstack.reset.run', () => {
  it('string and list commands, each with the service that runs it and where it was written', async () => {
    const project = await loadYaml(
      'services:\n  db:\n    image: postgres:16\n    x-devstack:\n      reset:\n        run:\n          - service: backend\n            command: npm run migrate -- --seed\n          - { service: backend, command: ["node", "seed.js"] }\n  backend:\n    image: node:20\n',
    );
    const hooks = project.services.db!.devstack.reset!.run;
    expect(hooks.map((h) => [h.service, h.command, h.source.line])).toEqual([
      ['backend', ['npm', 'run', 'migrate', '--', '--seed'], 7],
      ['backend', ['node', 'seed.js'], 9],
    ]);
  });

  it('an entry without a command is an error at its line', async () => {
    const err = await composeErrorOf(loadYaml('services:\n  db:\n    image: postgres:16\n    x-devstack:\n      reset:\n        run:\n          - service: backend\n'));
    expect(err.issues[0]).toMatchObject({ location: { line: 7 }, message: expect.stringContaining('needs command') });
  });
});
