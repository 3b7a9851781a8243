// The project's service names for shell completion, read from the compose files alone: discovery as `up` does it
// (COMPOSE_FILE included), the `services:` keys of each file, no interpolation, validation or engine. Fast, and
// silent on a broken file (completion offers what it can read).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { discoverComposeFiles } from './discovery.js';

export function serviceNamesForCompletion(cwd: string, env: Record<string, string | undefined>): string[] {
  const fromEnv = env.COMPOSE_FILE ? env.COMPOSE_FILE.split(env.COMPOSE_PATH_SEPARATOR ?? path.delimiter).filter((f) => f !== '') : undefined;
  let files: string[];
  try {
    files = discoverComposeFiles(cwd, fromEnv).files;
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const file of files) {
    try {
      const doc = parse(readFileSync(file, 'utf8')) as { services?: unknown } | null;
      if (doc && typeof doc.services === 'object' && doc.services !== null) for (const name of Object.keys(doc.services)) names.add(name);
    } catch {
      // unreadable or not YAML: nothing from this file
    }
  }
  return [...names].sort();
}
