// Which host paths a `develop.watch` rule cares about, and where they go in the container. Pure.
//
// A path applies to a rule when it is under the rule's `path`, not matched by `ignore` (.dockerignore
// patterns relative to the rule's path, as compose reads them: `*.tmp` is only the top folder's, `**/*.tmp`
// any folder's), matched by `include` when there is one, not left out by
// the build context's .dockerignore (services with `build:`), and not inside node_modules or .git —
// unless a pattern names those explicitly.
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { WatchRule } from '../../core/model.js';
import { relativeInside } from '../../core/path-inside.js';
import { DockerignoreMatcher } from '../docker/dockerignore.js';

const ALWAYS_IGNORED_DIRS = ['node_modules', '.git'];

export interface WatchRuleOptions {
  /** The build context and its .dockerignore patterns, for services with `build:`. */
  dockerignore?: { contextDir: string; patterns: string[] };
}

export class WatchRuleMatcher {
  readonly service: string;
  readonly rule: WatchRule;
  private readonly ignored: DockerignoreMatcher;
  private readonly included: Ignore | undefined;
  private readonly alwaysIgnored: string[];
  private readonly dockerignore: { contextDir: string; matcher: DockerignoreMatcher } | undefined;

  constructor(service: string, rule: WatchRule, opts: WatchRuleOptions = {}) {
    this.service = service;
    this.rule = rule;
    // Compose joins each pattern to the rule's path, so a leading `/` changes nothing.
    this.ignored = new DockerignoreMatcher(rule.ignore.map((p) => p.replace(/^(!?)\/+/, '$1')));
    this.included = rule.include.length > 0 ? ignore().add(rule.include) : undefined;
    const patterns = [...rule.include, ...rule.ignore.filter((p) => p.startsWith('!'))];
    this.alwaysIgnored = ALWAYS_IGNORED_DIRS.filter((dir) => !patterns.some((p) => p.includes(dir)));
    this.dockerignore = opts.dockerignore
      ? { contextDir: opts.dockerignore.contextDir, matcher: new DockerignoreMatcher(opts.dockerignore.patterns) }
      : undefined;
  }

  /** The path relative to the rule's path ('' for the path itself), or undefined when outside it. */
  relativePath(absPath: string): string | undefined {
    const rel = relativeInside(this.rule.path, absPath);
    return rel === undefined ? undefined : rel.split(path.sep).join('/');
  }

  /** Whether a change of this file (or, with isDir, folder) concerns the rule. */
  applies(absPath: string, isDir = false): boolean {
    const rel = this.relativePath(absPath);
    if (rel === undefined) return false;
    if (rel === '') return true;
    if (this.isExcluded(absPath, rel, isDir)) return false;
    if (this.included && !isDir && !this.included.ignores(rel)) return false;
    return true;
  }

  /**
   * Whether the watcher may leave this path out entirely (never walk into it). Folders are kept
   * when an include pattern might match something inside them.
   */
  skips(absPath: string, isDir: boolean | undefined): boolean {
    const rel = this.relativePath(absPath);
    if (rel === undefined) return !isAncestor(absPath, this.rule.path);
    if (rel === '') return false;
    if (this.isExcluded(absPath, rel, isDir === true)) return true;
    if (isDir === false && this.included && !this.included.ignores(rel)) return true;
    return false;
  }

  /** Container path of a host path under the rule (sync actions). */
  targetOf(absPath: string): string {
    const rel = this.relativePath(absPath);
    if (rel === undefined) throw new Error(`${absPath} is not under ${this.rule.path}`);
    const target = this.rule.target ?? this.rule.path;
    return rel === '' ? target : path.posix.join(target, rel);
  }

  private isExcluded(absPath: string, rel: string, isDir: boolean): boolean {
    const segments = rel.split('/');
    if (this.alwaysIgnored.length > 0 && segments.some((s) => this.alwaysIgnored.includes(s))) return true;
    if (this.ignored.isExcluded(rel) && !(isDir && this.ignored.mayReincludeUnder(rel))) return true;
    if (this.dockerignore) {
      const ctxRel = relativeInside(this.dockerignore.contextDir, absPath);
      if (ctxRel !== undefined && ctxRel !== '') {
        const slashed = ctxRel.split(path.sep).join('/');
        const m = this.dockerignore.matcher;
        if (m.isExcluded(slashed) && !(isDir && m.mayReincludeUnder(slashed))) return true;
      }
    }
    return false;
  }
}

function isAncestor(dir: string, of: string): boolean {
  const rel = relativeInside(dir, of);
  return rel !== undefined && rel !== '';
}

/**
 * The watcher's `ignored` test over several rules: a path is skipped when no rule wants it (and it
 * is not a folder on the way to a rule's path, nor one of the extra files watched).
 */
export function skipsForAll(matchers: WatchRuleMatcher[], extraFiles: string[] = []): (absPath: string, isDir?: boolean) => boolean {
  const extras = new Set(extraFiles.map((f) => path.resolve(f)));
  return (absPath, isDir) => {
    if (extras.has(absPath) || [...extras].some((f) => isAncestor(absPath, f))) return false;
    return matchers.every((m) => m.skips(absPath, isDir));
  };
}
