// Which compose files to load: -f files, else the first folder from cwd (or --project-directory) upwards that holds
// a compose file, plus its matching override file; and the project folder relative paths resolve from.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DevstackError } from '../core/errors.js';
import { STANDARD_INPUT_ARG, standardInputPath } from './standard-input.js';

const CANDIDATES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDES: Record<string, string[]> = {
  'compose.yaml': ['compose.override.yaml', 'compose.override.yml'],
  'compose.yml': ['compose.override.yml', 'compose.override.yaml'],
  'docker-compose.yaml': ['docker-compose.override.yaml', 'docker-compose.override.yml'],
  'docker-compose.yml': ['docker-compose.override.yml', 'docker-compose.override.yaml'],
};

export interface DiscoveredFiles {
  /** Absolute paths, in merge order. */
  files: string[];
  /** The folder of the first file; the working directory when that is standard input. */
  projectDir: string;
  warnings: string[];
  /** Set when `-f -` names standard input: the path that stands for it in `files`. */
  standardInput?: string;
}

/** COMPOSE_FILE from the shell: paths separated by COMPOSE_PATH_SEPARATOR (default ':' / ';' on Windows). */
export function composeFileVariable(environment: Record<string, string | undefined>): string[] | undefined {
  const value = environment.COMPOSE_FILE;
  if (value === undefined || value === '') return undefined;
  return value.split(environment.COMPOSE_PATH_SEPARATOR ?? path.delimiter).filter((f) => f !== '');
}

export function discoverComposeFiles(cwd: string, explicit: string[] | undefined, projectDirectory?: string): DiscoveredFiles {
  const chosenDir = projectDirectory === undefined ? undefined : existingFolder(path.resolve(cwd, projectDirectory), projectDirectory);
  if (explicit !== undefined && explicit.length > 0) {
    // Standard input stands in the project folder: its includes and extends resolve from there, like its other paths.
    const standardInput = explicit.includes(STANDARD_INPUT_ARG) ? standardInputPath(chosenDir ?? cwd) : undefined;
    const files = explicit.map((f) => (f === STANDARD_INPUT_ARG ? standardInput! : path.resolve(cwd, f)));
    for (const [i, file] of files.entries()) {
      if (explicit[i] !== STANDARD_INPUT_ARG && !isFile(file)) {
        throw new DevstackError('usage', `compose file not found: ${explicit[i]} (${file})`, {
          hint: 'check the path given to -f/--file',
        });
      }
    }
    // Read from standard input first, the project's relative paths resolve from the working directory (compose's rule).
    const projectDir = chosenDir ?? (explicit[0] === STANDARD_INPUT_ARG ? path.resolve(cwd) : path.dirname(files[0]!));
    return { files, projectDir, warnings: [], ...(standardInput === undefined ? {} : { standardInput }) };
  }
  const start = chosenDir ?? path.resolve(cwd);
  for (let dir = start; ; dir = path.dirname(dir)) {
    const found = CANDIDATES.filter((name) => isFile(path.join(dir, name)));
    const first = found[0];
    if (first !== undefined) {
      const warnings =
        found.length > 1 ? [`found several compose files in ${dir} (${found.join(', ')}); using ${first}`] : [];
      const override = OVERRIDES[first]!.find((name) => isFile(path.join(dir, name)));
      const files = [path.join(dir, first), ...(override === undefined ? [] : [path.join(dir, override)])];
      return { files, projectDir: chosenDir ?? dir, warnings };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new DevstackError('usage', `no compose file found in ${start} or its parent folders`, {
    hint: 'run devstack in a folder with compose.yaml, or pass -f',
  });
}

function existingFolder(dir: string, given: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DevstackError('usage', `project directory not found: ${given} (${dir})`, { hint: 'check the path given to --project-directory' });
  }
  return dir;
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}
