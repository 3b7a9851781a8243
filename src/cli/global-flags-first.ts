// `docker compose -f other.yaml up`, `docker --context devbox ps`: people used to compose put the global flags
// before the command. oclif reads the first word as the command id, so devstack moves the leading global flags
// (with their values) after the command word before oclif parses: `devstack -f x.yaml up` runs `up -f x.yaml`.
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
    const inline = word.includes('=') || (flag.char !== undefined && word.startsWith(`-${flag.char}`) && word.length > 2);
    const takesNext = !flag.boolean && !inline;
    if (takesNext && i + 1 >= argv.length) return [...argv];
    moved.push(...argv.slice(i, takesNext ? i + 2 : i + 1));
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
