// Dockerfile checks after the "Docker Patterns" guide: cache-friendly layer order, non-root users,
// healthchecks, pinned base images, a .dockerignore, multi-stage builds and no secrets baked in. Pure: the caller reads the
// Dockerfile and says what the build context holds; this parses the text and returns findings by line.
import { secretInImageFindings } from './dockerfile-secrets.js';

export interface DockerfileInstruction {
  /** Upper-cased keyword: FROM, RUN, COPY, ADD, USER, HEALTHCHECK, ... */
  keyword: string;
  /** The arguments, continuation lines joined with a space, comments inside continuations dropped.
   *  A heredoc body follows the first line, after a newline, one line per body line. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** 0-based index of the build stage (each FROM starts one); -1 for ARGs before the first FROM. */
  stage: number;
}
export interface DockerfileStage { index: number; name?: string; image: string; line: number }
export interface ParsedDockerfile { instructions: DockerfileInstruction[]; stages: DockerfileStage[] }

export interface DockerfileContext {
  /** The build context has a .dockerignore (or <Dockerfile>.dockerignore). */
  hasDockerignore: boolean;
  /** Lock files in the build context root, by file name: package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml. */
  lockFiles: string[];
  /** The compose service already says how to tell it is ready (a compose healthcheck or an x-devstack ready probe). */
  serviceHasReadiness: boolean;
  /** compose `build.target`: the stage that is built; the "final stage" is that one when set (by name), else the last. */
  target?: string;
}
export type FindingSeverity = 'warn' | 'info';
export interface DockerfileFinding {
  rule: 'cache-order' | 'root-user' | 'no-healthcheck' | 'unpinned-base' | 'no-dockerignore' | 'npm-install' | 'single-stage-build' | 'secret-in-image';
  severity: FindingSeverity;
  /** 1-based line the finding is about. */
  line: number;
  /** What is wrong, one sentence a person can act on. */
  message: string;
  /** How to fix it, concretely (an example instruction is good). */
  hint: string;
}

const isBlankOrComment = (line: string): boolean => line.trim() === '' || line.trimStart().startsWith('#');
const HEREDOC_MARKER = /<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/g;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** The escape character from a leading `# escape=` directive, and the index of the first line after the directives. */
function readParserDirectives(lines: string[]): { escape: string; bodyStart: number } {
  let escape = '\\';
  let index = 0;
  for (; index < lines.length; index += 1) {
    const directive = /^#\s*([A-Za-z][\w-]*)\s*=\s*(\S+)\s*$/.exec(lines[index] ?? '');
    if (!directive) break;
    if (directive[1]?.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escape = directive[2];
  }
  return { escape, bodyStart: index };
}

/** Joins a logical line that starts at `start`; returns its text and the index of the line after it. */
function readContinuedLine(lines: string[], start: number, escape: string): { text: string; next: number } {
  const parts: string[] = [];
  let index = start;
  for (;;) {
    const trimmed = (lines[index] ?? '').trim();
    index += 1;
    const continues = trimmed.endsWith(escape);
    parts.push(continues ? trimmed.slice(0, -1).trim() : trimmed);
    if (!continues) break;
    while (index < lines.length && isBlankOrComment(lines[index] ?? '')) index += 1;
    if (index >= lines.length) break;
  }
  return { text: parts.filter((part) => part !== '').join(' '), next: index };
}

/** Consumes the bodies of the heredocs the instruction opens, in order; returns them and the next line index. */
function readHeredocBodies(args: string, lines: string[], start: number): { body: string[]; next: number } {
  const body: string[] = [];
  let index = start;
  for (const marker of args.matchAll(HEREDOC_MARKER)) {
    const stripTabs = marker[1] === '-';
    while (index < lines.length) {
      const line = lines[index] ?? '';
      index += 1;
      if ((stripTabs ? line.replace(/^\t+/, '') : line) === marker[3]) break;
      body.push(line);
    }
  }
  return { body, next: index };
}

function parseStage(args: string, index: number, line: number): DockerfileStage {
  const words = args.split(/\s+/).filter((word) => word !== '' && !word.startsWith('--'));
  const stage: DockerfileStage = { index, image: words[0] ?? '', line };
  if (words[1]?.toLowerCase() === 'as' && words[2]) stage.name = words[2];
  return stage;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split(/\r?\n/);
  const { escape, bodyStart } = readParserDirectives(lines);
  const instructions: DockerfileInstruction[] = [];
  const stages: DockerfileStage[] = [];
  let index = bodyStart;
  while (index < lines.length) {
    while (index < lines.length && isBlankOrComment(lines[index] ?? '')) index += 1;
    if (index >= lines.length) break;
    const line = index + 1;
    const logical = readContinuedLine(lines, index, escape);
    index = logical.next;
    const [, word = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(logical.text) ?? [];
    const keyword = word.toUpperCase();
    let args = rest;
    if (HEREDOC_KEYWORDS.has(keyword)) {
      const heredoc = readHeredocBodies(rest, lines, index);
      index = heredoc.next;
      if (heredoc.body.length > 0) args = `${rest}\n${heredoc.body.join('\n')}`;
    }
    if (keyword === 'FROM') stages.push(parseStage(args, stages.length, line));
    instructions.push({ keyword, args, line, stage: stages.length - 1 });
  }
  return { instructions, stages };
}

// ---- what an instruction does ----

/** The shell commands of a RUN, split at `&&`, `||`, `;`, `|` and newlines. */
const shellCommands = (args: string): string[] => args.split(/&&|\|\|?|;|\n/).map((command) => command.trim());
const isGlobalInstall = (command: string): boolean => /(?:^|\s)(?:-g|--global)(?:[\s=]|$)/.test(command);
const DEPENDENCY_INSTALLS = [
  /(?:^|\s)npm\s+(?:ci|install|i)(?:\s|$)/,
  /(?:^|\s)yarn(?:\s+install)?(?:\s+-\S+)*$/,
  /(?:^|\s)pnpm\s+(?:install|i)(?:\s|$)/,
  /(?:^|\s)pip3?\s+install\s(?:.*\s)?(?:-r|--requirement)(?:[\s=]|$)/,
  /(?:^|\s)(?:poetry|bundle|composer)\s+install(?:\s|$)/,
  /(?:^|\s)go\s+mod\s+download(?:\s|$)/,
];
const NPM_INSTALL = /(?:^|\s)npm\s+(?:install|i)(?:\s|$)/;
const BUILD_SCRIPT = /(?:^|\s)(?:npm\s+run|yarn(?:\s+run)?|pnpm(?:\s+run)?)\s+build(?:[\s:]|$)/;

const isRun = (instruction: DockerfileInstruction): boolean => instruction.keyword === 'RUN';
const isDependencyInstall = (instruction: DockerfileInstruction): boolean =>
  isRun(instruction) && shellCommands(instruction.args).some((command) => !isGlobalInstall(command) && DEPENDENCY_INSTALLS.some((pattern) => pattern.test(command)));
const usesNpmInstall = (instruction: DockerfileInstruction): boolean =>
  isRun(instruction) && shellCommands(instruction.args).some((command) => NPM_INSTALL.test(command) && !isGlobalInstall(command));
const runsBuild = (instruction: DockerfileInstruction): boolean => isRun(instruction) && shellCommands(instruction.args).some((command) => BUILD_SCRIPT.test(command));

/** The source paths of a COPY/ADD, in shell form or exec (JSON array) form; flags dropped. */
function copySources(args: string): string[] {
  const paths = (args.split('\n')[0] ?? '').replace(/^(?:\s*--\S+)*\s*/, '');
  if (paths.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(paths);
      if (Array.isArray(parsed)) return parsed.slice(0, -1).map(String);
    } catch {
      // not JSON after all: read it as shell form
    }
  }
  return paths.split(/\s+/).filter((word) => word !== '').slice(0, -1);
}

const isWholeContextCopy = (instruction: DockerfileInstruction): boolean =>
  (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') &&
  !/(?:^|\s)--from=/.test(instruction.args) &&
  copySources(instruction.args).some((source) => source === '.' || source === './');

function isRootUser(args: string): boolean {
  const user = args.trim().split(':')[0];
  return user === 'root' || user === '0';
}

/** Why a base image is not pinned, or undefined when it is (a tag other than latest, or a digest). */
function unpinnedReason(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return 'has no tag';
  return lastSegment.slice(colon + 1).toLowerCase() === 'latest' ? 'uses the tag latest' : undefined;
}

// ---- the rules ----

function cacheOrderFindings(instructions: DockerfileInstruction[]): DockerfileFinding[] {
  return instructions.flatMap((copy, position): DockerfileFinding[] => {
    if (!isWholeContextCopy(copy)) return [];
    const install = instructions.slice(position + 1).find((later) => later.stage === copy.stage && isDependencyInstall(later));
    if (!install) return [];
    return [{
      rule: 'cache-order', severity: 'warn', line: copy.line,
      message: `${copy.keyword} ${copy.args} at line ${copy.line} comes before the dependency install at line ${install.line}: any source change re-runs the install.`,
      hint: 'Copy the dependency manifests first and install, then copy the rest: COPY package*.json ./ then RUN npm ci, then COPY . .',
    }];
  });
}

function unpinnedBaseFindings(stages: DockerfileStage[]): DockerfileFinding[] {
  return stages.flatMap((stage, position): DockerfileFinding[] => {
    const earlierNames = stages.slice(0, position).map((earlier) => earlier.name?.toLowerCase());
    if (stage.image.includes('$') || stage.image.toLowerCase() === 'scratch' || earlierNames.includes(stage.image.toLowerCase())) return [];
    const reason = unpinnedReason(stage.image);
    if (!reason) return [];
    return [{
      rule: 'unpinned-base', severity: 'warn', line: stage.line,
      message: `The base image ${stage.image} ${reason}, so a rebuild can silently pick up a different image.`,
      hint: `Pin a version tag or a digest, e.g. FROM ${stage.image.replace(/:latest$/i, '')}:<version> (like node:20-alpine) or FROM ${stage.image.replace(/:latest$/i, '')}@sha256:<digest>.`,
    }];
  });
}

function rootUserFinding(stage: DockerfileStage, inStage: DockerfileInstruction[]): DockerfileFinding[] {
  const lastUser = inStage.filter((instruction) => instruction.keyword === 'USER').at(-1);
  if (lastUser && !isRootUser(lastUser.args)) return [];
  const message = lastUser
    ? `The final stage switches to root (USER ${lastUser.args} at line ${lastUser.line}), so the app runs as root.`
    : `The final stage (FROM ${stage.image} at line ${stage.line}) has no USER instruction, so the app runs as root.`;
  return [{ rule: 'root-user', severity: 'warn', line: stage.line, message, hint: 'Create and switch to an unprivileged user: RUN addgroup -g 1001 -S nodejs && adduser -S nodejs -u 1001, then USER nodejs' }];
}

function healthcheckFinding(stage: DockerfileStage, inStage: DockerfileInstruction[], ctx: DockerfileContext): DockerfileFinding[] {
  const lastHealthcheck = inStage.filter((instruction) => instruction.keyword === 'HEALTHCHECK').at(-1);
  const hasHealthcheck = lastHealthcheck !== undefined && !/^none\b/i.test(lastHealthcheck.args.trim());
  if (hasHealthcheck || ctx.serviceHasReadiness) return [];
  return [{
    rule: 'no-healthcheck', severity: 'info', line: stage.line,
    message: 'The final stage has no HEALTHCHECK and the compose service has no readiness probe, so nothing can tell when it is ready.',
    hint: 'Add a HEALTHCHECK, e.g. HEALTHCHECK --interval=30s --timeout=3s CMD node healthcheck.js || exit 1, or set x-devstack: { ready: http:/health } on the service in the compose file.',
  }];
}

function dockerignoreFinding(instructions: DockerfileInstruction[], ctx: DockerfileContext): DockerfileFinding[] {
  const copy = instructions.find(isWholeContextCopy);
  if (ctx.hasDockerignore || !copy) return [];
  return [{
    rule: 'no-dockerignore', severity: 'warn', line: copy.line,
    message: `${copy.keyword} ${copy.args} at line ${copy.line} sends the whole build context, and there is no .dockerignore to keep node_modules, .git and build output out.`,
    hint: 'Add a .dockerignore next to the Dockerfile with at least: node_modules, .git, dist (and other build output), .env',
  }];
}

function npmInstallFindings(instructions: DockerfileInstruction[], ctx: DockerfileContext): DockerfileFinding[] {
  const lockFile = ctx.lockFiles.find((name) => name === 'package-lock.json' || name === 'npm-shrinkwrap.json');
  if (!lockFile) return [];
  return instructions.filter(usesNpmInstall).map((run): DockerfileFinding => ({
    rule: 'npm-install', severity: 'info', line: run.line,
    message: `The RUN at line ${run.line} uses npm install although ${lockFile} exists: it may resolve different versions than the lock file.`,
    hint: 'Use npm ci: it installs exactly what the lock file says and fails when it is out of date, e.g. RUN npm ci',
  }));
}

function singleStageBuildFinding(parsed: ParsedDockerfile): DockerfileFinding[] {
  const build = parsed.instructions.find(runsBuild);
  if (parsed.stages.length !== 1 || !build) return [];
  return [{
    rule: 'single-stage-build', severity: 'info', line: build.line,
    message: `The RUN at line ${build.line} builds in the only stage, so the build tooling and dev dependencies end up in the image.`,
    hint: 'Use a multi-stage build: a deps stage (production dependencies), a builder stage (npm ci and the build), and a runner stage that copies only node_modules and the build output (the guide\'s example went from 850 MB to 180 MB).',
  }];
}

function finalStageOf(stages: DockerfileStage[], target: string | undefined): DockerfileStage | undefined {
  const targeted = target === undefined ? undefined : stages.find((stage) => stage.name?.toLowerCase() === target.toLowerCase());
  return targeted ?? stages.at(-1);
}

export function checkDockerfile(text: string, ctx: DockerfileContext): DockerfileFinding[] {
  const parsed = parseDockerfile(text);
  const { instructions, stages } = parsed;
  const findings = [
    ...cacheOrderFindings(instructions),
    ...unpinnedBaseFindings(stages),
    ...dockerignoreFinding(instructions, ctx),
    ...npmInstallFindings(instructions, ctx),
    ...singleStageBuildFinding(parsed),
    ...secretInImageFindings(instructions),
  ];
  const finalStage = finalStageOf(stages, ctx.target);
  if (finalStage) {
    const inFinalStage = instructions.filter((instruction) => instruction.stage === finalStage.index);
    findings.push(...rootUserFinding(finalStage, inFinalStage), ...healthcheckFinding(finalStage, inFinalStage, ctx));
  }
  return findings.sort((a, b) => a.line - b.line);
}
