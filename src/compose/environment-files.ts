// The project environment: the shell wins over `.env` (or the --env-file list).
import path from 'node:path';
import { ComposeError, DevstackError } from '../core/errors.js';
import type { ComposeIssue } from '../core/errors.js';
import { ownValue, readEnvFile } from './dotenv.js';
import type { VariableLookup } from './interpolation.js';
import type { SourceFiles } from './source-files.js';

export interface ProjectEnvironment {
  /** Shell first, then the env files. */
  lookup: VariableLookup;
  /** Values read from the env files (before the shell is applied). */
  fileValues: Record<string, string>;
}

export function loadProjectEnvironment(
  shell: Record<string, string | undefined>,
  projectDir: string,
  cwd: string,
  envFiles: string[] | undefined,
  sources?: SourceFiles,
): ProjectEnvironment {
  const shellLookup: VariableLookup = (name) => ownValue(shell, name);
  const explicit = envFiles !== undefined && envFiles.length > 0;
  const files = explicit ? envFiles.map((f) => path.resolve(cwd, f)) : [path.join(projectDir, '.env')];
  const fileValues: Record<string, string> = {};
  const issues: ComposeIssue[] = [];
  for (const file of files) {
    sources?.noteRead(file);
    const read = readEnvFile(file, (name) => shellLookup(name) ?? ownValue(fileValues, name));
    if (read.status === 'missing') {
      if (explicit) throw new DevstackError('usage', `env file not found: ${file}`, { hint: 'check the path given to --env-file' });
      continue;
    }
    if (read.status === 'unreadable') throw new DevstackError('usage', `cannot read env file ${file}: ${read.reason}`);
    issues.push(...read.issues);
    Object.assign(fileValues, read.values);
  }
  if (issues.length > 0) throw new ComposeError(issues);
  return { lookup: (name) => shellLookup(name) ?? ownValue(fileValues, name), fileValues };
}
