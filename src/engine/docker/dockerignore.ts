// .dockerignore with Docker's own semantics (not gitignore's): every pattern is relative to the context
// root, `*` and `?` stay inside one path segment, `**` spans any number of them, a pattern that matches a
// parent folder matches everything under it, the last matching rule wins, and `!` re-includes — even under
// an excluded folder (Docker walks into an excluded folder when an exception pattern starts with its path).
import path from 'node:path';

interface IgnoreRule {
  /** The cleaned pattern without its `!`. */
  pattern: string;
  exception: boolean;
  regex: RegExp;
}

/** Go's filepath.Clean on a slash path: no `.` segments, no doubled or trailing slash, `..` resolved. */
function cleanPath(p: string): string {
  if (p === '') return '.';
  const normalized = path.posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

const REGEX_SPECIALS = new Set(['.', '+', '(', ')', '|', '{', '}', '^', '$']);

/** Docker's pattern → regex translation (moby/patternmatcher), anchored at both ends. */
function compilePattern(pattern: string): RegExp {
  let out = '^';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (inClass) {
      if (ch === ']') inClass = false;
      if (ch === '\\' && i + 1 < pattern.length) out += '\\' + pattern.charAt(++i);
      else out += ch;
      continue;
    }
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        out += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      // As Go's regexp reads the class Docker builds: `[^0-9]` is "not a digit", `[!0-9]` is "! or a digit".
      inClass = true;
      out += '[';
    } else if (ch === '\\') {
      const next = pattern.charAt(++i);
      out += /[A-Za-z0-9]/.test(next) ? next : '\\' + next;
    } else if (REGEX_SPECIALS.has(ch)) {
      out += '\\' + ch;
    } else {
      out += ch;
    }
  }
  if (inClass) out += ']';
  try {
    return new RegExp(out + '$');
  } catch {
    // An unbalanced class and the like: match the text literally rather than fail the build.
    return new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$');
  }
}

/** Splits .dockerignore text into patterns the way Docker reads it (comments, trimming, leading `/`). */
export function readDockerignore(text: string): string[] {
  const patterns: string[] = [];
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (rawLine.startsWith('#')) continue;
    let line = rawLine.trim();
    if (line === '') continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    if (line !== '') {
      line = cleanPath(line);
      if (line.length > 1 && line.startsWith('/')) line = line.slice(1);
    }
    patterns.push(exception ? `!${line}` : line);
  }
  return patterns;
}

export class DockerignoreMatcher {
  private readonly rules: IgnoreRule[];

  constructor(patterns: string[]) {
    this.rules = [];
    for (const raw of patterns) {
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed === '!') continue;
      const exception = trimmed.startsWith('!');
      const pattern = cleanPath(exception ? trimmed.slice(1) : trimmed);
      this.rules.push({ pattern, exception, regex: compilePattern(pattern) });
    }
  }

  static fromText(text: string): DockerignoreMatcher {
    return new DockerignoreMatcher(readDockerignore(text));
  }

  /** The same rules plus exceptions that keep `paths` (Docker always sends the Dockerfile and .dockerignore). */
  keeping(paths: string[]): DockerignoreMatcher {
    return new DockerignoreMatcher([
      ...this.rules.map((r) => (r.exception ? `!${r.pattern}` : r.pattern)),
      ...paths.map((p) => `!${p}`),
    ]);
  }

  /** Whether a path (slash-separated, relative to the context root) is left out of the context. */
  isExcluded(relPath: string): boolean {
    const parts = relPath.split('/');
    let excluded = false;
    for (const rule of this.rules) {
      // An include rule cannot change an excluded path, nor an exception an included one.
      if (rule.exception !== excluded) continue;
      let match = rule.regex.test(relPath);
      for (let i = 1; !match && i < parts.length; i++) match = rule.regex.test(parts.slice(0, i).join('/'));
      if (match) excluded = !rule.exception;
    }
    return excluded;
  }

  /** Whether an excluded folder must still be walked because an exception may re-include something in it. */
  mayReincludeUnder(relDir: string): boolean {
    const dirSlash = `${relDir}/`;
    return this.rules.some((r) => r.exception && `${r.pattern}/`.startsWith(dirSlash));
  }
}
