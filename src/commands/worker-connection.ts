// `work worker`'s Redis connection: a bounded retry when Redis refuses the
// credentials at start-up (a password being rotated), one line per attempt.
import type { Redis } from 'ioredis';
import type { CommandContext } from './command.js';
import { RedisCredentialsError } from './exit-codes.js';

/** Waits before the 2nd, 3rd and 4th attempt; then the worker gives up (exit 3). */
export const CREDENTIAL_RETRY_DELAYS_S = [1, 2, 4] as const;

export async function connectWorker(ctx: CommandContext): Promise<Redis> {
  const attempts = CREDENTIAL_RETRY_DELAYS_S.length + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.connect({ persistent: true });
    } catch (error) {
      const delay = CREDENTIAL_RETRY_DELAYS_S[attempt - 1];
      if (!(error instanceof RedisCredentialsError) || delay === undefined || ctx.signal.aborted) throw error;
      ctx.stderr.write(`work worker: ${error.message}; retrying in ${delay} s (attempt ${attempt} of ${attempts})\n`);
      await abortableDelay(delay * 1000, ctx.signal);
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
