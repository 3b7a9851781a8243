// command / entrypoint: a list as is, a string split like a shell.
import type { Node } from '../node.js';
import { isSeq, scalarText } from '../node.js';
import { splitShellWords } from './shell-words.js';

export function commandOf(node: Node | undefined): string[] | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return undefined;
  if (isSeq(node)) return node.items.map((i) => scalarText(i) ?? '');
  return splitShellWords(scalarText(node) ?? '');
}
