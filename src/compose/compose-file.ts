// One compose file through the per-file stages: read → YAML with positions → interpolation → schema
// validation → include → extends. Issues of every stage are collected, not just the first.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ComposeIssue } from '../core/errors.js';
import { ComposeError, formatLocation } from '../core/errors.js';
import type { Node } from './node.js';
import { resolveExtends } from './extends.js';
import { ownValue, readEnvFile } from './dotenv.js';
import { SourceFiles } from './source-files.js';
import { includeReferences, mergeIncluded, type IncludeReference } from './include.js';
import { interpolateTree } from './interpolation.js';
import type { VariableLookup } from './interpolation.js';
import { validateComposeService, validateComposeTree } from './schema-validation.js';
import { castFieldTypes } from './type-casting.js';
import { parseYamlSource } from './yaml-source.js';
import { STANDARD_INPUT_NAME, type StandardInputReader } from './standard-input.js';
import type { ParsedYaml } from './yaml-source.js';

export interface LoadedComposeFile {
  file: string;
  root: Node;
  issues: ComposeIssue[];
}

export class ComposeFileReader {
  readonly warnings: string[] = [];
  /** Records every file this reader reads (included and extended ones, include env files), present or not. */
  private readonly sources: SourceFiles;
  private readonly warnedVariables = new Set<string>();
  private readonly validated = new Map<string, Node>();
  private readonly parsedFiles = new Map<string, ParsedYaml>();
  private readonly cast = new Map<string, LoadedComposeFile & { unparsed?: boolean }>();
  private readonly lookupIds = new Map<VariableLookup, number>();

  constructor(
    private readonly lookup: VariableLookup,
    sources: SourceFiles = new SourceFiles(),
    /** `-f -`: the path that stands for standard input, and how to read it. */
    private readonly standardInput?: { path: string; read: StandardInputReader },
  ) {
    this.sources = sources;
  }

  /** Standard input is no file on disk: nothing to stamp or watch. */
  private noteRead(file: string): void {
    if (file !== this.standardInput?.path) this.sources.noteRead(file);
  }

  /**
   * A file ready to merge: interpolated, validated, its includes added and its extends resolved. `lookup` gives
   * the variables (an included file also sees its own env files).
   */
  load(file: string, includedFrom: string[] = [], lookup: VariableLookup = this.lookup, included = new Set<string>()): LoadedComposeFile {
    const first = this.interpolatedAndValidated(file, lookup);
    if (first.issues.length > 0) return first;
    const issues: ComposeIssue[] = [];
    let root = first.root;
    for (const ref of includeReferences(root, file)) {
      if (ref.file === file || includedFrom.includes(ref.file)) {
        const cycle = [...includedFrom, file, ref.file].map((f) => path.basename(f)).join(' -> ');
        issues.push({ location: ref.location, message: `include cycle: ${cycle}` });
      } else if (!existsSync(ref.file)) {
        issues.push({ location: ref.location, message: `included file not found: ${ref.file}` });
      } else if (!included.has(ref.file)) {
        // A file included both directly and through another include is loaded once (compose's rule).
        included.add(ref.file);
        const withEnvFiles = this.includeLookup(ref, lookup, issues);
        if (withEnvFiles === undefined) continue;
        const loaded = this.load(ref.file, [...includedFrom, file], withEnvFiles, included);
        issues.push(...loaded.issues);
        if (loaded.issues.length === 0) root = mergeIncluded(root, loaded.root, ref, issues);
      }
    }
    const resolved = resolveExtends(root, file, (other) => this.treeForExtends(other, lookup), validateComposeService);
    return { file, root: resolved.root, issues: [...issues, ...resolved.issues] };
  }

  /** The including file's variables first, then the include's env files; undefined when one cannot be read. */
  private includeLookup(ref: IncludeReference, outer: VariableLookup, issues: ComposeIssue[]): VariableLookup | undefined {
    const values: Record<string, string> = {};
    for (const env of ref.envFiles) {
      this.sources.noteRead(env.file);
      const read = readEnvFile(env.file, (name) => outer(name) ?? ownValue(values, name));
      if (read.status === 'missing' && !env.required) continue;
      if (read.status !== 'read') {
        const message = read.status === 'missing' ? `env file not found: ${env.file}` : `cannot read env file ${env.file}: ${read.reason}`;
        issues.push({ location: env.location, message });
        return undefined;
      }
      if (read.issues.length > 0) {
        issues.push(...read.issues);
        return undefined;
      }
      Object.assign(values, read.values);
    }
    if (Object.keys(values).length === 0) return outer;
    return (name) => outer(name) ?? ownValue(values, name);
  }

  /** Another file's tree for `extends`: only the services extended from it are validated (by the resolver). */
  private treeForExtends(file: string, lookup: VariableLookup): Node {
    const loaded = this.interpolatedAndCast(file, lookup);
    if (loaded.issues.length > 0) throw new ComposeError(loaded.issues);
    return loaded.root;
  }

  private interpolatedAndValidated(file: string, lookup: VariableLookup): LoadedComposeFile {
    // A file is interpolated once per set of variables (an include's env files make another set).
    const cacheKey = `${this.lookupId(lookup)}\0${file}`;
    const cached = this.validated.get(cacheKey);
    if (cached !== undefined) {
      this.noteRead(file);
      return { file, root: cached, issues: [] };
    }
    const loaded = this.interpolatedAndCast(file, lookup);
    if (loaded.issues.length > 0 && loaded.unparsed) return loaded;
    // A value already reported (a failed cast, a bad expression) is not reported again by the schema.
    const reported = new Set(loaded.issues.map((i) => formatLocation(i.location)));
    const issues = [...loaded.issues, ...validateComposeTree(loaded.root).filter((i) => !reported.has(formatLocation(i.location)))];
    if (issues.length === 0) this.validated.set(cacheKey, loaded.root);
    return { file, root: loaded.root, issues };
  }

  /** Read, parsed, interpolated and cast (compose's order); `unparsed` when the file could not be read or parsed (nothing to validate). */
  private interpolatedAndCast(file: string, lookup: VariableLookup): LoadedComposeFile & { unparsed?: boolean } {
    this.noteRead(file);
    const cacheKey = `${this.lookupId(lookup)}\0${file}`;
    const cached = this.cast.get(cacheKey);
    if (cached !== undefined) return cached;
    const loaded = this.readInterpolatedAndCast(file, lookup);
    this.cast.set(cacheKey, loaded);
    return loaded;
  }

  /** A file's YAML tree, read and parsed once however many times it is loaded. */
  parsed(file: string): ParsedYaml {
    let parsed = this.parsedFiles.get(file);
    if (parsed === undefined) {
      const fromStandardInput = file === this.standardInput?.path;
      const name = fromStandardInput ? STANDARD_INPUT_NAME : file;
      try {
        const text = fromStandardInput ? this.standardInput!.read() : readFileSync(file, 'utf8');
        parsed = parseYamlSource(text, name);
      } catch (e) {
        const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
        const location = { file: name, line: 1, col: 1 };
        const what = fromStandardInput ? 'cannot read the compose file from standard input' : 'cannot read compose file';
        parsed = { root: { kind: 'map', entries: new Map(), loc: location }, issues: [{ location, message: `${what}: ${reason}` }] };
      }
      this.parsedFiles.set(file, parsed);
    }
    return parsed;
  }

  private readInterpolatedAndCast(file: string, lookup: VariableLookup): LoadedComposeFile & { unparsed?: boolean } {
    const parsed = this.parsed(file);
    if (parsed.issues.length > 0) return { file, root: parsed.root, issues: parsed.issues, unparsed: true };
    const interpolated = interpolateTree(parsed.root, lookup);
    for (const { name, location } of interpolated.unset) {
      if (this.warnedVariables.has(name)) continue;
      this.warnedVariables.add(name);
      this.warnings.push(`${formatLocation(location)}: variable "${name}" is not set; using an empty string`);
    }
    // Compose's order: interpolate, cast to the fields' types, then validate.
    const cast = castFieldTypes(interpolated.root);
    const version = cast.root.kind === 'map' ? cast.root.entries.get('version') : undefined;
    if (version !== undefined) {
      this.warnings.push(`${formatLocation(version.keyLoc)}: "version" is obsolete and ignored`);
    }
    return { file, root: cast.root, issues: [...interpolated.issues, ...cast.issues] };
  }

  private lookupId(lookup: VariableLookup): number {
    let id = this.lookupIds.get(lookup);
    if (id === undefined) {
      id = this.lookupIds.size;
      this.lookupIds.set(lookup, id);
    }
    return id;
  }
}
