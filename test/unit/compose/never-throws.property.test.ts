// Whatever the compose text, loading ends in a Project or a ComposeError/DevstackError — never another throw.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { interpolateText, InterpolationError } from '../../../src/compose/interpolation.js';
import { isDevstackError } from '../../../src/core/errors.js';
import { loadIn, writeProject } from './temp-project.js';

const tricky = fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '-', '?', '+', 'A', '_', '1', ' ', '/', '.', '=', '"', "'") });
const scalar = fc.oneof(tricky, fc.integer(), fc.boolean(), fc.constant(null), fc.double());
const key = fc.oneof(
  fc.constantFrom('services', 'volumes', 'networks', 'image', 'ports', 'volumes', 'environment', 'depends_on', 'build', 'command',
    'healthcheck', 'test', 'extends', 'profiles', 'x-devstack', 'ready', 'develop', 'watch', 'name', 'version', 'web', 'db', 'context'),
  tricky,
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;
const serviceLike = fc.record({
  image: fc.oneof(tricky, scalar),
  ports: fc.array(fc.oneof(tricky, fc.integer(), value), { maxLength: 3 }),
  volumes: fc.array(fc.oneof(tricky, value), { maxLength: 3 }),
  environment: fc.oneof(fc.array(tricky, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 })),
  depends_on: fc.oneof(fc.array(key, { maxLength: 2 }), value),
  command: fc.oneof(tricky, fc.array(tricky, { maxLength: 3 })),
  'x-devstack': value,
});
const document = fc.oneof(
  value,
  fc.record({ services: fc.dictionary(key, fc.oneof(serviceLike, value), { maxKeys: 3 }), volumes: value }, { requiredKeys: ['services'] }),
);

async function outcome(dir: string): Promise<'ok' | 'error'> {
  try {
    await loadIn(dir, { environment: { A: 'a', _1: '' } });
    return 'ok';
  } catch (e) {
    if (isDevstackError(e)) return 'error';
    throw e;
  }
}

describe('property: loading never throws anything but a DevstackError', () => {
  const dir = writeProject({ 'compose.yaml': '' });
  const file = path.join(dir, 'compose.yaml');

  it('for YAML-shaped documents', async () => {
    await fc.assert(
      fc.asyncProperty(document, async (doc) => {
        writeFileSync(file, stringify(doc));
        expect(['ok', 'error']).toContain(await outcome(dir));
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('for arbitrary text', async () => {
    const text = fc.oneof(fc.string(), fc.array(fc.oneof(tricky, fc.constantFrom('\n', '  ', '- ', ': ', '&a ', '*a', '<<: ', '!reset ', '[', ']')), { maxLength: 40 }).map((parts) => parts.join('')));
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        writeFileSync(file, t);
        expect(['ok', 'error']).toContain(await outcome(dir));
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('interpolation returns a string or throws InterpolationError', () => {
    fc.assert(
      fc.property(tricky, (t) => {
        try {
          expect(typeof interpolateText(t, (n) => (n === 'A' ? 'a' : undefined)).value).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(InterpolationError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
