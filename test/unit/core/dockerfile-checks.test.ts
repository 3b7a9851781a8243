import { describe, expect, it } from 'vitest';
import { checkDockerfile, parseDockerfile, type DockerfileContext } from '../../../src/core/dockerfile-checks.js';

const GUIDE_MULTI_STAGE = `FROM node:20-alpine AS deps
WORKDIR /app
COPY package*.json ./
RUN npm ci --only=production && npm cache clean --force

FROM node:20-alpine AS builder
WORKDIR /app
COPY package*.json ./
RUN npm ci  # Include dev dependencies
COPY . .
RUN npm run build && npm run test

FROM node:20-alpine AS runner
WORKDIR /app
RUN addgroup -g 1001 -S nodejs && adduser -S nodejs -u 1001
COPY --from=deps --chown=nodejs:nodejs /app/node_modules ./node_modules
COPY --from=builder --chown=nodejs:nodejs /app/dist ./dist
COPY --chown=nodejs:nodejs package*.json ./
USER nodejs
EXPOSE 3000
ENV NODE_ENV=production
HEALTHCHECK --interval=30s --timeout=3s CMD node healthcheck.js || exit 1
CMD ["node", "dist/main.js"]
`;
const BAD_CACHE = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["node","x.js"]';

const context = (overrides: Partial<DockerfileContext> = {}): DockerfileContext => ({
  hasDockerignore: true, lockFiles: ['package-lock.json'], serviceHasReadiness: false, ...overrides,
});
/** A context in which only the rules about the Dockerfile itself can fire. */
const quiet = context({ lockFiles: [], serviceHasReadiness: true });
const rules = (text: string, ctx: DockerfileContext = quiet) => checkDockerfile(text, ctx).map((finding) => `${finding.rule}@${finding.line}`);
/** A final stage that passes root-user and no-healthcheck, to append after the lines under test. */
const SAFE_TAIL = 'USER app\nHEALTHCHECK CMD true';

describe('parseDockerfile', () => {
  it('reads keywords (any case), args, 1-based lines and stages', () => {
    const parsed = parseDockerfile('# a comment\n\nfrom node:20 as build\nrun npm ci\n\nFROM scratch\ncopy --from=build /app /app\n');
    expect(parsed.instructions).toEqual([
      { keyword: 'FROM', args: 'node:20 as build', line: 3, stage: 0 },
      { keyword: 'RUN', args: 'npm ci', line: 4, stage: 0 },
      { keyword: 'FROM', args: 'scratch', line: 6, stage: 1 },
      { keyword: 'COPY', args: '--from=build /app /app', line: 7, stage: 1 },
    ]);
    expect(parsed.stages).toEqual([
      { index: 0, name: 'build', image: 'node:20', line: 3 },
      { index: 1, image: 'scratch', line: 6 },
    ]);
  });

  it('joins continuation lines with a space, drops comments and blank lines inside them, and keeps later line numbers', () => {
    const parsed = parseDockerfile('FROM alpine:3.20\nRUN apk add \\\n    # the compiler\n    gcc \\\n\n    make\nUSER app\n');
    expect(parsed.instructions.map(({ keyword, args, line }) => ({ keyword, args, line }))).toEqual([
      { keyword: 'FROM', args: 'alpine:3.20', line: 1 },
      { keyword: 'RUN', args: 'apk add gcc make', line: 2 },
      { keyword: 'USER', args: 'app', line: 7 },
    ]);
  });

  it('with `# escape=`` ` the backtick continues a line and a trailing backslash does not', () => {
    const parsed = parseDockerfile('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n    C:\\\nWORKDIR C:\\app\\\n');
    expect(parsed.instructions.map(({ keyword, args, line }) => ({ keyword, args, line }))).toEqual([
      { keyword: 'FROM', args: 'mcr.microsoft.com/windows/servercore:ltsc2022', line: 2 },
      { keyword: 'RUN', args: 'dir C:\\', line: 3 },
      { keyword: 'WORKDIR', args: 'C:\\app\\', line: 5 },
    ]);
  });

  it('a heredoc body belongs to its instruction: its lines are not instructions (<<EOF, <<-EOF, <<"EOF")', () => {
    const text = [
      'FROM alpine:3.20', // 1
      'RUN <<EOF', // 2
      'FROM evil', // 3
      'USER root', // 4
      'EOF', // 5
      'RUN <<-END', // 6
      '\techo hi', // 7
      '\tEND', // 8
      'COPY <<"CONF" /etc/app.conf', // 9
      'RUN this is text', // 10
      'CONF', // 11
      'USER app', // 12
    ].join('\n');
    const parsed = parseDockerfile(text);
    expect(parsed.instructions.map(({ keyword, line }) => `${keyword}@${line}`)).toEqual(['FROM@1', 'RUN@2', 'RUN@6', 'COPY@9', 'USER@12']);
    expect(parsed.instructions[1]?.args).toBe('<<EOF\nFROM evil\nUSER root');
    expect(parsed.instructions[3]?.args).toBe('<<"CONF" /etc/app.conf\nRUN this is text');
    expect(parsed.stages).toHaveLength(1);
  });

  it('FROM with --platform, AS and an earlier stage as image', () => {
    const { stages } = parseDockerfile('FROM --platform=$BUILDPLATFORM node:20 AS deps\nFROM deps\n');
    expect(stages).toEqual([
      { index: 0, name: 'deps', image: 'node:20', line: 1 },
      { index: 1, image: 'deps', line: 2 },
    ]);
  });

  it('an ARG before the first FROM belongs to no stage', () => {
    expect(parseDockerfile('ARG VERSION=20\nFROM node:${VERSION}\n').instructions.map((i) => i.stage)).toEqual([-1, 0]);
  });
});

describe('checkDockerfile', () => {
  it("the guide's multi-stage example has no findings", () => {
    expect(checkDockerfile(GUIDE_MULTI_STAGE, context())).toEqual([]);
  });

  it('the bad cache example: cache-order at the COPY, root-user and no-healthcheck at the FROM, npm-install at the RUN', () => {
    const findings = checkDockerfile(BAD_CACHE, context());
    expect(findings.map((f) => ({ rule: f.rule, severity: f.severity, line: f.line }))).toEqual([
      { rule: 'root-user', severity: 'warn', line: 1 },
      { rule: 'no-healthcheck', severity: 'info', line: 1 },
      { rule: 'cache-order', severity: 'warn', line: 3 },
      { rule: 'npm-install', severity: 'info', line: 4 },
    ]);
    expect(findings[2]?.message).toBe('COPY . . at line 3 comes before the dependency install at line 4: any source change re-runs the install.');
    expect(findings[2]?.hint).toContain('COPY package*.json ./');
    expect(findings[0]?.hint).toContain('USER nodejs');
    expect(findings[1]?.hint).toContain('x-devstack');
    expect(findings[3]?.hint).toContain('npm ci');
  });

  it('every finding has a message and a hint', () => {
    const findings = checkDockerfile(`FROM node\nCOPY . .\nRUN npm i && npm run build\nUSER root`, context({ hasDockerignore: false }));
    expect(findings.map((f) => f.rule).sort()).toEqual(['cache-order', 'no-dockerignore', 'no-healthcheck', 'npm-install', 'root-user', 'single-stage-build', 'unpinned-base']);
    for (const finding of findings) {
      expect(finding.message.length).toBeGreaterThan(20);
      expect(finding.hint.length).toBeGreaterThan(20);
    }
  });

  describe('cache-order', () => {
    it.each([
      ['npm ci'], ['npm i --omit=dev'], ['yarn'], ['yarn install --frozen-lockfile'], ['pnpm install'], ['pip install -r requirements.txt'],
      ['poetry install --no-root'], ['bundle install'], ['go mod download'], ['composer install'], ['--mount=type=cache,target=/root/.npm npm ci'],
    ])('COPY . . before RUN %s', (command) => {
      expect(rules(`FROM node:20\nCOPY . .\nRUN ${command}\n${SAFE_TAIL}`)).toEqual(['cache-order@2']);
    });

    it('ADD ./ and the exec form count as the whole context', () => {
      expect(rules(`FROM node:20\nADD ./ /app\nRUN npm ci\n${SAFE_TAIL}`)).toEqual(['cache-order@2']);
      expect(rules(`FROM node:20\nCOPY --chown=app [".", "/app"]\nRUN npm ci\n${SAFE_TAIL}`)).toEqual(['cache-order@2']);
    });

    it('not after the install, not from another stage, not in another stage, not a global install, not a build', () => {
      expect(rules(`FROM node:20\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n${SAFE_TAIL}`)).toEqual([]);
      expect(rules(`FROM node:20 AS src\nFROM node:20\nCOPY --from=src . .\nRUN npm ci\n${SAFE_TAIL}`)).toEqual([]);
      expect(rules(`FROM node:20 AS a\nCOPY . .\nFROM node:20\nRUN npm ci\n${SAFE_TAIL}`)).toEqual([]);
      expect(rules(`FROM node:20\nCOPY . .\nRUN npm install -g pnpm\n${SAFE_TAIL}`)).toEqual([]);
      expect(rules(`FROM node:20 AS a\nCOPY . .\nRUN yarn build\nFROM a\n${SAFE_TAIL}`)).toEqual([]);
      expect(rules(`FROM node:20\nCOPY src/ ./src\nRUN npm ci\n${SAFE_TAIL}`)).toEqual([]);
    });

    it('an install inside a heredoc counts, at the line of its RUN', () => {
      expect(checkDockerfile(`FROM node:20\nCOPY . .\nRUN <<EOF\nset -e\nnpm ci\nEOF\n${SAFE_TAIL}`, quiet)[0]?.message).toContain('dependency install at line 3');
    });
  });

  describe('root-user', () => {
    it('USER 1001 passes; USER root, 0, root:root, 0:0 and no USER fail at the final FROM', () => {
      const withUser = (user: string) => rules(`ARG X\nFROM node:20\n${user}\nHEALTHCHECK CMD true`);
      expect(withUser('USER 1001')).toEqual([]);
      expect(withUser('USER nodejs:nodejs')).toEqual([]);
      for (const user of ['USER root', 'USER 0', 'USER root:root', 'USER 0:0', 'EXPOSE 80']) expect(withUser(user)).toEqual(['root-user@2']);
    });

    it('the last USER counts', () => {
      expect(rules('FROM node:20\nUSER app\nRUN true\nUSER root\nHEALTHCHECK CMD true')).toEqual(['root-user@1']);
      expect(rules('FROM node:20\nUSER root\nRUN apk add curl\nUSER app\nHEALTHCHECK CMD true')).toEqual([]);
    });

    it('only the final stage counts, and target selects it', () => {
      const text = 'FROM node:20 AS dev\nHEALTHCHECK CMD true\nFROM node:20 AS prod\nUSER app\nHEALTHCHECK CMD true\n';
      expect(rules(text)).toEqual([]);
      expect(rules(text, { ...quiet, target: 'dev' })).toEqual(['root-user@1']);
      expect(rules(text, { ...quiet, target: 'prod' })).toEqual([]);
      expect(rules(text, { ...quiet, target: 'missing' })).toEqual([]);
    });
  });

  describe('no-healthcheck', () => {
    it('final stage without HEALTHCHECK, or with HEALTHCHECK NONE, unless the service has readiness', () => {
      const ctx = context({ lockFiles: [] });
      expect(rules('FROM node:20\nUSER app', ctx)).toEqual(['no-healthcheck@1']);
      expect(rules('FROM node:20\nUSER app\nHEALTHCHECK NONE', ctx)).toEqual(['no-healthcheck@1']);
      expect(rules('FROM node:20\nUSER app\nhealthcheck --interval=5s CMD curl -f http://localhost/ || exit 1', ctx)).toEqual([]);
      expect(rules('FROM node:20\nUSER app', context({ lockFiles: [], serviceHasReadiness: true }))).toEqual([]);
    });

    it('a HEALTHCHECK in another stage does not count', () => {
      const text = 'FROM node:20 AS a\nHEALTHCHECK CMD true\nFROM node:20-alpine AS b\nUSER app\n';
      expect(rules(text, context({ lockFiles: [] }))).toEqual(['no-healthcheck@3']);
      expect(rules(text, context({ lockFiles: [], target: 'a' }))).toEqual(['root-user@1']);
    });
  });

  describe('unpinned-base', () => {
    it.each(['node', 'node:latest', 'registry:5000/team/node', 'ghcr.io/acme/app:LATEST'])('FROM %s is unpinned', (image) => {
      expect(rules(`FROM ${image}\n${SAFE_TAIL}`)).toEqual(['unpinned-base@1']);
    });

    it.each(['node:20-alpine', 'node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'scratch', 'registry:5000/team/node:20', 'node:${NODE_VERSION}', '$BASE'])(
      'FROM %s is not',
      (image) => {
        expect(rules(`FROM ${image}\n${SAFE_TAIL}`)).toEqual([]);
      },
    );

    it('an earlier stage name is not an image', () => {
      expect(rules(`FROM --platform=$BUILDPLATFORM node:20 AS deps\nFROM deps\n${SAFE_TAIL}`)).toEqual([]);
      expect(rules(`FROM deps\nFROM node:20 AS deps\n${SAFE_TAIL}`)).toEqual(['unpinned-base@1']);
    });

    it('the message names the image', () => {
      expect(checkDockerfile(`FROM node:latest\n${SAFE_TAIL}`, quiet)[0]?.message).toContain('node:latest');
    });
  });

  describe('no-dockerignore', () => {
    it('warns at the first whole-context COPY when there is no .dockerignore', () => {
      const ctx = { ...quiet, hasDockerignore: false };
      expect(rules(`FROM node:20\nCOPY package.json ./\nCOPY . .\nCOPY . /other\n${SAFE_TAIL}`, ctx)).toEqual(['no-dockerignore@3']);
      expect(rules(`FROM node:20\nCOPY package.json ./\n${SAFE_TAIL}`, ctx)).toEqual([]);
      expect(rules(`FROM node:20\nCOPY . .\n${SAFE_TAIL}`)).toEqual([]);
      expect(checkDockerfile(`FROM node:20\nCOPY . .\n${SAFE_TAIL}`, ctx)[0]?.hint).toMatch(/node_modules.*\.git/);
    });
  });

  describe('npm-install', () => {
    const text = `FROM node:20\nCOPY package*.json ./\nRUN npm install\n${SAFE_TAIL}`;

    it('when package-lock.json or npm-shrinkwrap.json exists', () => {
      expect(rules(text, { ...quiet, lockFiles: ['package-lock.json'] })).toEqual(['npm-install@3']);
      expect(rules(text, { ...quiet, lockFiles: ['npm-shrinkwrap.json'] })).toEqual(['npm-install@3']);
      expect(rules(text, { ...quiet, lockFiles: ['yarn.lock'] })).toEqual([]);
      expect(rules(text, quiet)).toEqual([]);
    });

    it('not for npm ci or a global install', () => {
      const ctx = { ...quiet, lockFiles: ['package-lock.json'] };
      expect(rules(`FROM node:20\nRUN npm ci\n${SAFE_TAIL}`, ctx)).toEqual([]);
      expect(rules(`FROM node:20\nRUN npm install -g pnpm && pnpm install\n${SAFE_TAIL}`, ctx)).toEqual([]);
      expect(rules(`FROM node:20\nRUN npm i --global typescript\n${SAFE_TAIL}`, ctx)).toEqual([]);
      expect(rules(`FROM node:20\nRUN npm i --global typescript && npm i\n${SAFE_TAIL}`, ctx)).toEqual(['npm-install@2']);
    });
  });

  describe('single-stage-build', () => {
    it.each(['npm run build', 'yarn build', 'yarn run build', 'pnpm build', 'pnpm run build', 'npm ci && npm run build:prod'])('RUN %s in the only stage', (command) => {
      const findings = checkDockerfile(`FROM node:20\nWORKDIR /app\nRUN ${command}\n${SAFE_TAIL}`, quiet);
      expect(findings.map((f) => `${f.rule}@${f.line}`)).toEqual(['single-stage-build@3']);
      expect(findings[0]?.message).toMatch(/dev dependencies/);
      expect(findings[0]?.hint).toMatch(/multi-stage/);
    });

    it('not with two stages, not for other scripts', () => {
      expect(rules(`FROM node:20 AS build\nRUN npm run build\nFROM node:20\n${SAFE_TAIL}`)).toEqual([]);
      expect(rules(`FROM node:20\nRUN npm run test\n${SAFE_TAIL}`)).toEqual([]);
    });
  });

  it('lowercase keywords work for the rules too', () => {
    expect(rules('from node:20\ncopy . .\nrun npm ci\nuser root\nhealthcheck cmd true')).toEqual(['root-user@1', 'cache-order@2']);
    expect(rules('from node:20\ncopy package*.json ./\nrun npm ci\ncopy . .\nuser app\nhealthcheck cmd true')).toEqual([]);
  });

  it('continuations and heredocs keep finding lines right', () => {
    const text = 'FROM node:20\nRUN apk add \\\n  # tools\n  git \\\n  curl\nCOPY <<EOF /app/.npmrc\nregistry=x\nEOF\nCOPY . .\nRUN npm \\\n  ci\nUSER app\nHEALTHCHECK CMD true';
    const findings = checkDockerfile(text, quiet);
    expect(findings.map((f) => `${f.rule}@${f.line}`)).toEqual(['cache-order@9']);
    expect(findings[0]?.message).toContain('install at line 10');
  });

  it('an empty Dockerfile has no findings', () => {
    expect(checkDockerfile('', context({ hasDockerignore: false }))).toEqual([]);
  });
});
