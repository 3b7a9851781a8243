// A secret baked into an image: an ENV or ARG whose name says it holds a secret (TOKEN, SECRET, PASSWORD, KEY, …)
// given a literal value in the Dockerfile. The value stays in the image's config or build history for anyone who
// can pull it. Modelled on BuildKit's SecretsUsedInArgOrEnv check (names only, by words of the name); unlike it,
// a name with no value or with a `$variable` is not reported: nothing is written into the Dockerfile then.
import type { DockerfileFinding, DockerfileInstruction } from './dockerfile-checks.js';

const SECRET_WORDS = new Set(['TOKEN', 'SECRET', 'SECRETS', 'PASSWORD', 'PASSWD', 'PWORD', 'KEY', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'AUTH']);
const NOT_SECRET_WORDS = new Set(['PUBLIC', 'FILE', 'PATH', 'URL', 'DIR', 'ID']);

/** Whether a variable name reads as a secret: one of its words (split at `_`, `-`, `.` and camelCase) names one. */
export function isSecretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[_\-.]+/).filter((w) => w !== '');
  if (words.some((w) => NOT_SECRET_WORDS.has(w))) return false;
  return words.some((w) => SECRET_WORDS.has(w));
}

/** `NAME=value` pairs (and the legacy `ENV NAME value` form); quotes removed from values. */
function assignments(keyword: string, args: string): { name: string; value: string | undefined }[] {
  const text = args.split('\n')[0]?.trim() ?? '';
  if (keyword === 'ENV' && !/^[^\s=]+=/.test(text)) {
    const [, name = '', value = ''] = /^(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
    return [{ name, value: unquote(value.trim()) }];
  }
  const pairs: { name: string; value: string | undefined }[] = [];
  for (const m of text.matchAll(/([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    pairs.push({ name: m[1] ?? '', value: m[2] === undefined ? undefined : unquote(m[2]) });
  }
  return pairs;
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) return value.slice(1, -1);
  return value;
}

/** A literal: not empty and not made only of a `$VAR` / `${VAR…}` reference. */
const isLiteral = (value: string | undefined): value is string => value !== undefined && value !== '' && !/^\$(?:\{[^}]*\}|\w+)$/.test(value);

export function secretInImageFindings(instructions: DockerfileInstruction[]): DockerfileFinding[] {
  return instructions.flatMap((instruction): DockerfileFinding[] => {
    if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') return [];
    return assignments(instruction.keyword, instruction.args)
      .filter((a) => isSecretName(a.name) && isLiteral(a.value))
      .map((a): DockerfileFinding => ({
        rule: 'secret-in-image',
        severity: 'warn',
        line: instruction.line,
        message:
          instruction.keyword === 'ENV'
            ? `ENV ${a.name} at line ${instruction.line} bakes a secret into the image: anyone who can pull it reads the value (docker inspect).`
            : `ARG ${a.name} at line ${instruction.line} has a literal secret as its default: it stays in the Dockerfile and the image's build history.`,
        hint:
          instruction.keyword === 'ENV'
            ? `Remove the value from the Dockerfile and give it at run time: environment: or env_file: on the compose service (${a.name}: \${${a.name}} read from .env, which git ignores).`
            : `A secret the build needs goes in as a build secret, not an ARG: RUN --mount=type=secret,id=${a.name.toLowerCase()} … with secrets: on the compose build; one the app needs goes in at run time (environment: / env_file:).`,
      }));
  });
}
