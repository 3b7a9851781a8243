// Inputs far deeper or larger than any real compose file: each one loads or is refused at its line, never with
// a stack overflow.
import { describe, expect, it } from 'vitest';
import { composeErrorOf, loadYaml } from './temp-project.js';

async function errorLines(promise: Promise<unknown>): Promise<string[]> {
  const error = await composeErrorOf(promise);
  return error.message.split('\n').map((line) => line.replace(/^.*\/(?=[^/]+:\d+:\d+:)/, ''));
}

describe('deep inputs', () => {
  it('loads a 5,000-service depends_on chain', async () => {
    let yaml = 'services:\n';
    for (let i = 0; i < 5000; i++) yaml += `  s${i}:\n    image: alpine\n${i > 0 ? `    depends_on: [s${i - 1}]\n` : ''}`;
    const p = await loadYaml(yaml);
    expect(Object.keys(p.services)).toHaveLength(5000);
    expect(Object.keys(p.services.s4999!.dependsOn)).toEqual(['s4998']);
  }, 60_000);

  it('refuses a 5,000-deep ${A:-${A:-…}} at its value, and evaluates a shallower one', async () => {
    const nested = (depth: number) => '${A:-'.repeat(depth) + 'x' + '}'.repeat(depth);
    expect(await errorLines(loadYaml(`services:\n  web:\n    image: alpine\n    environment: { X: "${nested(5000)}" }\n`))).toEqual([
      'compose.yaml:4:23: variable expressions nested more than 200 deep',
    ]);
    const p = await loadYaml(`services:\n  web:\n    image: alpine\n    environment: { X: "${nested(150)}" }\n`);
    expect(p.services.web!.environment.X).toBe('x');
  }, 60_000);

  it('expands 20,000 aliases of one anchor', async () => {
    let yaml = 'x-env: &env { FOO: bar }\nservices:\n  web:\n    image: alpine\n    environment: *env\nx-copies:\n';
    for (let i = 0; i < 20_000; i++) yaml += '  - *env\n';
    expect((await loadYaml(yaml)).services.web!.environment).toEqual({ FOO: 'bar' });
  }, 60_000);

  it('says "nested too deeply" at the line, however deep', async () => {
    const deep = (n: number) => `services:\n  web:\n    image: alpine\nx-deep: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(await errorLines(loadYaml(deep(350)))).toEqual(['compose.yaml:4:309: nested too deeply (more than 300 levels)']);
    const [line] = await errorLines(loadYaml(deep(20_000)));
    expect(line).toMatch(/^compose\.yaml:4:\d+: nested too deeply/);
  }, 60_000);
});
