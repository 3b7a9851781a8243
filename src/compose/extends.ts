// `extends`: a service built on another one, from the same file or from `file:`. Cycles are reported
// as `extends cycle: a -> b -> a`. Relative paths of a service taken from another folder are rebased.
import path from 'node:path';
import type { ComposeIssue } from '../core/errors.js';
import type { SourceLocation } from '../core/model.js';
import type { MapEntry, MapNode, Node } from './node.js';
import { child, isMap, scalarText } from './node.js';
import { mergeServices } from './merge.js';
import { rebaseServicePaths } from './rebase-paths.js';

/**
 * Loads another compose file, interpolated and cast but not validated (only the services extended from it are,
 * as compose does: a broken service elsewhere in that file does not matter); throws ComposeError when it is wrong.
 */
export type ComposeTreeSource = (file: string) => Node;

/** The schema's issues with one service of a file. */
export type ServiceValidator = (services: MapEntry, service: MapEntry) => ComposeIssue[];

export interface ExtendsResult {
  root: Node;
  issues: ComposeIssue[];
}

export function resolveExtends(root: Node, file: string, loadTree: ComposeTreeSource, validate: ServiceValidator): ExtendsResult {
  const resolver = new ExtendsResolver(loadTree, validate, file);
  resolver.trees.set(file, root);
  const services = child(root, 'services');
  if (!isMap(root) || !isMap(services)) return { root, issues: [] };
  const entries = new Map<string, MapEntry>();
  for (const [name, entry] of services.entries) {
    entries.set(name, { ...entry, value: resolver.resolve(file, name, [], entry.keyLoc) ?? entry.value });
  }
  const newServices: MapNode = { ...services, entries };
  const rootEntries = new Map(root.entries);
  rootEntries.set('services', { ...root.entries.get('services')!, value: newServices });
  return { root: { ...root, entries: rootEntries }, issues: resolver.issues };
}

class ExtendsResolver {
  readonly trees = new Map<string, Node>();
  readonly issues: ComposeIssue[] = [];
  private readonly resolved = new Map<string, Node>();

  constructor(
    private readonly loadTree: ComposeTreeSource,
    private readonly validate: ServiceValidator,
    /** The file being loaded, validated whole already. */
    private readonly validatedFile: string,
  ) {}

  resolve(file: string, name: string, stack: string[], refLoc: SourceLocation): Node | undefined {
    const id = `${file}#${name}`;
    const done = this.resolved.get(id);
    if (done !== undefined) return done;
    if (stack.includes(id)) {
      const cycle = [...stack.slice(stack.indexOf(id)), id].map((s) => s.split('#').pop()).join(' -> ');
      this.issues.push({ location: refLoc, message: `extends cycle: ${cycle}` });
      return undefined;
    }
    const tree = this.tree(file, refLoc);
    // A file that could not be read is reported already; do not add an "undefined service" to it.
    if (tree === undefined) return undefined;
    const servicesEntry = isMap(tree) ? tree.entries.get('services') : undefined;
    const serviceEntry = isMap(servicesEntry?.value) ? servicesEntry.value.entries.get(name) : undefined;
    if (servicesEntry === undefined || serviceEntry === undefined) {
      this.issues.push({ location: refLoc, message: `extends undefined service "${name}" (in ${file})` });
      return undefined;
    }
    if (file !== this.validatedFile) {
      const invalid = this.validate(servicesEntry, serviceEntry);
      if (invalid.length > 0) {
        this.issues.push(...invalid);
        return undefined;
      }
    }
    const service = serviceEntry.value;
    const ext = child(service, 'extends');
    if (ext === undefined) return this.remember(id, service);
    const baseName = ext.kind === 'map' ? scalarText(child(ext, 'service')) : scalarText(ext);
    const baseFileText = ext.kind === 'map' ? scalarText(child(ext, 'file')) : undefined;
    const baseFile = baseFileText === undefined ? file : path.resolve(path.dirname(file), baseFileText);
    const local = withoutKey(service, 'extends');
    if (baseName === undefined) return this.remember(id, local);
    let base = this.resolve(baseFile, baseName, [...stack, id], ext.loc);
    if (base === undefined) return this.remember(id, local);
    if (path.dirname(baseFile) !== path.dirname(file)) base = rebaseServicePaths(base, path.dirname(baseFile));
    return this.remember(id, mergeServices(base, local));
  }

  private tree(file: string, refLoc: SourceLocation): Node | undefined {
    if (!this.trees.has(file)) {
      try {
        this.trees.set(file, this.loadTree(file));
      } catch (e) {
        const issues = (e as { issues?: ComposeIssue[] }).issues;
        if (issues) this.issues.push(...issues);
        else this.issues.push({ location: refLoc, message: `cannot read ${file}: ${(e as Error).message}` });
        return undefined;
      }
    }
    return this.trees.get(file);
  }

  private remember(id: string, node: Node): Node {
    this.resolved.set(id, node);
    return node;
  }
}

function withoutKey(node: Node, key: string): Node {
  if (!isMap(node)) return node;
  const entries = new Map(node.entries);
  entries.delete(key);
  return { ...node, entries };
}
