// A yes/no question on a terminal. Without a terminal nothing can be asked: the answer is no.
import { createInterface } from 'node:readline/promises';
import { DevstackError } from '../core/errors.js';

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new DevstackError('usage', `${question} (cannot ask: not a terminal)`, { hint: 'Pass --yes to confirm without a prompt.' });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
