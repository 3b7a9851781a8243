// A service for probe tests: named `db`, no image, no networks; each test sets only what it exercises.
import type { ServiceConfig } from '../../../src/core/model.js';
import { service as serviceFixture } from '../core/fixtures.js';

export function service(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return serviceFixture(overrides.name ?? 'db', { image: undefined, networks: {}, source: { file: 'compose.yaml', line: 1, col: 1 }, ...overrides });
}
