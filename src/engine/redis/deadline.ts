// Bounding a wait on Redis. A connection that keeps retrying holds commands
// until Redis answers, however long that takes; a stopping pool must not.

export type Within<T> = { done: true; value: T } | { done: false };

/**
 * Waits for `work` at most `ms`. The work itself goes on (nothing can cancel
 * a command once sent); a rejection within the time is rethrown.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<Within<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Within<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([work.then((value): Within<T> => ({ done: true, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits on several Redis steps in turn, each at most `ms`. Once one wait runs
 * out, Redis is taken to be away and later steps are not waited for at all,
 * so a sequence of steps never takes longer than about one `ms`.
 */
export class Patience {
  private spent = false;

  constructor(private readonly ms: number) {}

  /** Whether some wait ran out. */
  get ranOut(): boolean {
    return this.spent;
  }

  async wait<T>(work: Promise<T>): Promise<Within<T>> {
    const reply = await within(work, this.spent ? 0 : this.ms);
    if (!reply.done) this.spent = true;
    return reply;
  }
}
