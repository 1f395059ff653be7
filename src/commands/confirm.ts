// Typed confirmation for destructive commands: the user types a word (the
// queue's name) on a terminal. Without a terminal there is nobody to ask, so
// the command refuses unless --yes was given.
import { createInterface } from 'node:readline';
import type { CommandContext } from './command.js';
import { UsageError } from './exit-codes.js';
import { inert } from '../support/inert.js';

export async function confirmTyped(ctx: CommandContext, warning: string, word: string): Promise<void> {
  if (!process.stdin.isTTY) throw new UsageError('refusing to do this without a terminal to confirm on; add --yes');
  ctx.stderr.write(`${inert(warning)}\nType ${inert(word)} to confirm: `);
  const rl = createInterface({ input: process.stdin, terminal: false });
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
    ctx.signal.addEventListener('abort', () => resolve(''), { once: true });
  });
  rl.close();
  if (answer.trim() !== word) throw new Error('not confirmed: nothing changed');
}
