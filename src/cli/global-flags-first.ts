// `docker compose -f other.yaml up`, `docker --context devbox ps`: people used to compose put the global flags
// before the command. oclif reads the first word as the command id, so devstack moves the leading global flags
// (with their values) after the command word before oclif parses: `devstack -f x.yaml up` runs
// `up --file x.yaml` (the long form, since a command may use the letter for its own flag: `logs -f` follows).
// Anything else before the command (an unknown flag, --help, --version) leaves the words as they are.

export interface GlobalFlag {
  name: string;
  char?: string;
  /** A boolean flag takes no value word. */
  boolean: boolean;
}

export function globalFlagsAfterCommand(argv: readonly string[], flags: readonly GlobalFlag[]): string[] {
  const moved: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const word = argv[i] as string;
    if (!word.startsWith('-')) break;
    const flag = flagOf(word, flags);
    if (!flag) return [...argv];
    const short = !word.startsWith('--');
    const inline = short ? word.length > 2 : word.includes('=');
    const takesNext = !flag.boolean && !inline;
    if (takesNext && i + 1 >= argv.length) return [...argv];
    // Moved in its long form: after the command, a short letter may be the command's own (`logs -f` follows).
    const long = short ? (inline ? `--${flag.name}=${word.slice(2).replace(/^=/, '')}` : `--${flag.name}`) : word;
    moved.push(long, ...(takesNext ? [argv[i + 1] as string] : []));
    i += takesNext ? 2 : 1;
  }
  if (moved.length === 0 || i >= argv.length) return [...argv];
  return [argv[i] as string, ...moved, ...argv.slice(i + 1)];
}

function flagOf(word: string, flags: readonly GlobalFlag[]): GlobalFlag | undefined {
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=')[0];
    return flags.find((f) => f.name === name);
  }
  return flags.find((f) => f.char !== undefined && word.startsWith(`-${f.char}`));
}
