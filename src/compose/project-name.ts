// The project name: -p, else COMPOSE_PROJECT_NAME, else top-level `name:` (normalized as compose does), else the folder name.
import path from 'node:path';
import { ComposeError, DevstackError } from '../core/errors.js';
import type { Node } from './node.js';
import { scalarText } from './node.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;
const RULE = 'lowercase letters, digits, "_" and "-", starting with a letter or digit';

export interface ProjectNameSources {
  flag?: string;
  environment?: string;
  topLevel?: Node;
  projectDir: string;
}

export function resolveProjectName(sources: ProjectNameSources): string {
  if (sources.flag !== undefined && sources.flag !== '') return checked(sources.flag, '-p/--project-name');
  if (sources.environment !== undefined && sources.environment !== '') return checked(sources.environment, 'COMPOSE_PROJECT_NAME');
  // compose normalizes a name from the file (lowercase, only [a-z0-9_-]) rather than refusing it.
  const topLevel = scalarText(sources.topLevel);
  if (topLevel !== undefined && topLevel !== '') {
    const normalized = normalizeProjectName(topLevel);
    if (normalized !== '') return normalized;
    throw new ComposeError([{ location: sources.topLevel!.loc, message: `name: ${JSON.stringify(topLevel)} is not a valid project name (${RULE})` }]);
  }
  const fromFolder = normalizeProjectName(path.basename(sources.projectDir));
  if (fromFolder === '') {
    throw new DevstackError('usage', `cannot derive a project name from the folder ${sources.projectDir}`, {
      hint: 'pass -p NAME or set name: in the compose file',
    });
  }
  return fromFolder;
}

/** Compose's normalization of a folder name: lowercase, only [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

function checked(name: string, from: string): string {
  if (VALID.test(name)) return name;
  throw new DevstackError('usage', `${JSON.stringify(name)} (from ${from}) is not a valid project name`, { hint: `use ${RULE}` });
}
