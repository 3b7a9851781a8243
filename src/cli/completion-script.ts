// Shell completion scripts for bash, zsh and fish, from the commands' own metadata (oclif's manifest): commands,
// their flags (with the values an option flag allows), and the project's service names for the commands that take
// services. The names come from `devstack complete-services`, which reads the compose file only (no engine).
// Pure: text in, text out.

export type CompletionShell = 'bash' | 'zsh' | 'fish';
export const COMPLETION_SHELLS: CompletionShell[] = ['bash', 'zsh', 'fish'];

export interface CompletionFlag {
  name: string;
  char?: string;
  description: string;
  /** Takes a value (an option flag), with these choices when it has them. */
  takesValue: boolean;
  options?: string[];
}

export interface CompletionCommand {
  id: string;
  description: string;
  flags: CompletionFlag[];
  /** Its arguments are service names of the project. */
  completesServices: boolean;
}

/** The hidden command the scripts call for service names. */
export const SERVICES_COMMAND = 'complete-services';

const firstSentence = (text: string): string => (text.split(/(?<=\.)\s/)[0] ?? '').replace(/\s+/g, ' ').trim();
const fn = (bin: string): string => `_${bin.replace(/[^A-Za-z0-9_]/g, '_')}`;
const single = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export function completionScript(shell: CompletionShell, bin: string, commands: CompletionCommand[]): string {
  const sorted = [...commands].sort((a, b) => a.id.localeCompare(b.id));
  if (shell === 'bash') return bashScript(bin, sorted);
  if (shell === 'zsh') return zshScript(bin, sorted);
  return fishScript(bin, sorted);
}

function bashScript(bin: string, commands: CompletionCommand[]): string {
  const name = fn(bin);
  const flagWords = (c: CompletionCommand) => c.flags.flatMap((f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])]).join(' ');
  const valueCases = commands.flatMap((c) => c.flags.filter((f) => f.options).map((f) => `    ${c.id}:--${f.name}) COMPREPLY=($(compgen -W ${single(f.options!.join(' '))} -- "$cur")); return ;;`));
  // per command: -t is --timeout (a value) for down but --timestamps for logs
  const takesValue = commands.flatMap((c) => c.flags.filter((f) => f.takesValue).flatMap((f) => [`${c.id}:--${f.name}`, ...(f.char ? [`${c.id}:-${f.char}`] : [])]));
  return `# ${bin} completion for bash. Load it: source <(${bin} completion bash), or keep it:
# ${bin} completion bash > ~/.local/share/bash-completion/completions/${bin}
${name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${single(commands.map((c) => c.id).join(' '))} -- "$cur"))
    return
  fi
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  case "$cmd:$prev" in
    ${takesValue.length > 0 ? takesValue.join('|') : '--'}) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${commands.map((c) => `      ${c.id}) COMPREPLY=($(compgen -W ${single(flagWords(c))} -- "$cur")) ;;`).join('\n')}
    esac
    return
  fi
  case "$cmd" in
    ${commands.filter((c) => c.completesServices).map((c) => c.id).join('|') || '__none__'})
      COMPREPLY=($(compgen -W "$(${bin} ${SERVICES_COMMAND} 2>/dev/null)" -- "$cur")) ;;
  esac
}
complete -F ${name} ${bin}
`;
}

const zshEscape = (text: string): string => text.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, `'\\''`);

function zshScript(bin: string, commands: CompletionCommand[]): string {
  const name = fn(bin);
  const flagEntries = (c: CompletionCommand) => c.flags.flatMap((f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])].map((w) => `'${w}:${zshEscape(firstSentence(f.description))}'`)).join(' ');
  const valueCases = commands.flatMap((c) => c.flags.filter((f) => f.options).map((f) => `    ${c.id}:--${f.name}) compadd -- ${f.options!.join(' ')}; return ;;`));
  return `#compdef ${bin}
# ${bin} completion for zsh. Load it: source <(${bin} completion zsh), or keep it as _${bin} in a folder of $fpath:
# ${bin} completion zsh > "\${fpath[1]}/_${bin}"
${name}() {
  local -a cmds items
  if (( CURRENT == 2 )); then
    cmds=(${commands.map((c) => `'${c.id}:${zshEscape(firstSentence(c.description))}'`).join(' ')})
    _describe -t commands '${bin} command' cmds
    return
  fi
  local cmd=$words[2] prev=$words[CURRENT-1]
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  if [[ $PREFIX == -* ]]; then
    case $cmd in
${commands.map((c) => `      ${c.id}) items=(${flagEntries(c)}) ;;`).join('\n')}
    esac
    _describe -t flags 'flag' items
    return
  fi
  case $cmd in
    ${commands.filter((c) => c.completesServices).map((c) => c.id).join('|') || '__none__'})
      items=(\${(f)"$(${bin} ${SERVICES_COMMAND} 2>/dev/null)"})
      compadd -- $items ;;
  esac
}
if (( $+functions[compdef] )); then compdef ${name} ${bin}; fi
`;
}

function fishScript(bin: string, commands: CompletionCommand[]): string {
  const lines = [
    `# ${bin} completion for fish. Load it: ${bin} completion fish | source, or keep it:`,
    `# ${bin} completion fish > ~/.config/fish/completions/${bin}.fish`,
    `complete -c ${bin} -f`,
    ...commands.map((c) => `complete -c ${bin} -n __fish_use_subcommand -a ${c.id} -d ${single(firstSentence(c.description))}`),
  ];
  for (const c of commands) {
    for (const f of c.flags) {
      const value = f.options ? ` -x -a ${single(f.options.join(' '))}` : f.takesValue ? ' -r' : '';
      lines.push(`complete -c ${bin} -n '__fish_seen_subcommand_from ${c.id}' -l ${f.name}${f.char ? ` -s ${f.char}` : ''}${value} -d ${single(firstSentence(f.description))}`);
    }
  }
  const withServices = commands.filter((c) => c.completesServices).map((c) => c.id);
  if (withServices.length > 0) lines.push(`complete -c ${bin} -n '__fish_seen_subcommand_from ${withServices.join(' ')}' -a '(${bin} ${SERVICES_COMMAND} 2>/dev/null)'`);
  return `${lines.join('\n')}\n`;
}
