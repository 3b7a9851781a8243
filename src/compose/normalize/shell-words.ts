// Splits a command string into words like a POSIX shell would (quotes and backslashes; no expansion).

/** An unterminated quote or a trailing backslash. */
export class ShellSyntaxError extends Error {}

export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) throw new ShellSyntaxError(`unterminated ' quote in ${JSON.stringify(text)}`);
      word += text.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (ch === '"') {
      i = readDoubleQuoted(text, i, (s) => (word += s));
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new ShellSyntaxError(`trailing backslash in ${JSON.stringify(text)}`);
      if (text[i + 1] !== '\n') word += text[i + 1];
      inWord = true;
      i++;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads "..." starting at `open`; returns the index of the closing quote. */
function readDoubleQuoted(text: string, open: number, append: (s: string) => void): number {
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return i;
    if (ch === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
      if (text[i + 1] !== '\n') append(text[i + 1]!);
      i++;
    } else {
      append(ch);
    }
  }
  throw new ShellSyntaxError(`unterminated " quote in ${JSON.stringify(text)}`);
}
