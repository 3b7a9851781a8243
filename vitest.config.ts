import { defineConfig } from 'vitest/config';

// Two tiers: fast unit tests (fakes, no engine) and real-engine tests (a Docker Engine must answer;
// they fail, never skip, when none does). Real-engine tests run one file at a time: 2 cores, shared ports.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'engine',
          include: ['test/engine/**/*.test.ts', 'test/smoke/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
