// Top-level `include`: other compose files whose services, networks and volumes join this one.
// Their relative paths keep their own folder; a name defined on both sides is an error.
import path from 'node:path';
import type { ComposeIssue } from '../core/errors.js';
import type { SourceLocation } from '../core/model.js';
import type { MapEntry, MapNode, Node } from './node.js';
import { child, isMap, isSeq, scalarText } from './node.js';
import { rebaseFileObjectPath, rebaseServicePaths } from './rebase-paths.js';

const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs'];

export interface IncludeReference {
  file: string;
  projectDir: string;
  location: SourceLocation;
  /**
   * Env files whose values interpolate the included file (after the shell and the including project's values):
   * its `env_file` entries, which must exist, else the `.env` of its project directory, if there is one.
   */
  envFiles: { file: string; required: boolean; location: SourceLocation }[];
}

export function includeReferences(root: Node, file: string): IncludeReference[] {
  const include = child(root, 'include');
  if (!isSeq(include)) return [];
  const baseDir = path.dirname(file);
  return include.items.flatMap((item) => {
    const pathNode = isMap(item) ? child(item, 'path') : item;
    const paths = isSeq(pathNode) ? pathNode.items : pathNode === undefined ? [] : [pathNode];
    const projectDirText = scalarText(child(item, 'project_directory'));
    const envFileNode = child(item, 'env_file');
    const envFileNodes = isSeq(envFileNode) ? envFileNode.items : envFileNode === undefined ? [] : [envFileNode];
    const explicitEnvFiles = envFileNodes.flatMap((n) => {
      const text = scalarText(n);
      return text === undefined ? [] : [{ file: path.resolve(baseDir, text), required: true, location: n.loc }];
    });
    return paths.flatMap((p) => {
      const text = scalarText(p);
      if (text === undefined) return [];
      const included = path.resolve(baseDir, text);
      const projectDir = projectDirText === undefined ? path.dirname(included) : path.resolve(baseDir, projectDirText);
      const envFiles = envFileNode !== undefined ? explicitEnvFiles : [{ file: path.join(projectDir, '.env'), required: false, location: p.loc }];
      return [{ file: included, projectDir, location: p.loc, envFiles }];
    });
  });
}

/** Adds the resources of `included` to `root`; conflicts are reported at the local definition. */
export function mergeIncluded(root: Node, included: Node, ref: IncludeReference, issues: ComposeIssue[]): Node {
  if (!isMap(root) || !isMap(included)) return root;
  const entries = new Map(root.entries);
  entries.delete('include');
  for (const section of SECTIONS) {
    const imported = child(included, section);
    if (!isMap(imported)) continue;
    const local = entries.get(section);
    const merged = new Map<string, MapEntry>(isMap(local?.value) ? local.value.entries : []);
    for (const [name, entry] of imported.entries) {
      const existing = merged.get(name);
      if (existing !== undefined) {
        issues.push({ location: existing.keyLoc, message: `${section}.${name} is also defined by the included file ${ref.file}` });
        continue;
      }
      const value =
        section === 'services'
          ? rebaseServicePaths(entry.value, ref.projectDir)
          : section === 'secrets' || section === 'configs'
            ? rebaseFileObjectPath(entry.value, ref.projectDir)
            : entry.value;
      merged.set(name, { ...entry, value });
    }
    const sectionNode: MapNode = { kind: 'map', entries: merged, loc: local?.value.loc ?? imported.loc };
    entries.set(section, { key: section, keyLoc: local?.keyLoc ?? imported.loc, value: sectionNode });
  }
  return { ...root, entries };
}
