// Temp folders with compose files for loader tests.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../../src/compose/index.js';
import type { LoadOptions } from '../../../src/compose/index.js';
import type { Project } from '../../../src/core/model.js';
import { ComposeError } from '../../../src/core/errors.js';

/** Writes `files` (relative path → text) under a fresh temp folder and returns its absolute path. */
export function writeProject(files: Record<string, string>, folderName = 'proj'): string {
  const root = path.join(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'devstack-compose-'))), folderName);
  mkdirSync(root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

export function loadIn(cwd: string, opts: Partial<LoadOptions> = {}): Promise<Project> {
  return loadProject({ cwd, environment: {}, ...opts });
}

/** Loads a single compose.yaml text. */
export function loadYaml(yaml: string, opts: Partial<LoadOptions> = {}, extra: Record<string, string> = {}): Promise<Project> {
  return loadIn(writeProject({ 'compose.yaml': yaml, ...extra }), opts);
}

/** The ComposeError a load throws (fails the test if it resolves or throws something else). */
export async function composeErrorOf(promise: Promise<unknown>): Promise<ComposeError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ComposeError) return e;
    throw e;
  }
  throw new Error('expected a ComposeError, but the project loaded');
}
