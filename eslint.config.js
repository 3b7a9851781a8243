import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'oclif.manifest.json', 'bench/**/*.mjs', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // dockerode stays inside the engine adapter.
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    ignores: ['src/engine/docker/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['dockerode'] }] },
  },
  {
    // Use cases get engine-side pieces from the composition root (src/cli/runtime.ts), never by import.
    files: ['src/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['dockerode'], patterns: ['../engine/**', '../cli/**'] }] },
  },
  {
    // The core is pure: no I/O, no engine, no compose parsing.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['dockerode', 'pg', 'ioredis', 'node:fs', 'node:fs/promises', 'node:child_process', 'node:net'],
        patterns: ['../app/*', '../cli/*', '../engine/*', '../compose/*'],
      }],
    },
  },
  {
    files: ['bin/devstack', 'scripts/**/*.js', 'scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
