// The middleware chain: each middleware gets the job and a next() that runs
// the rest of the chain and then the handler.
import type { JobContext } from './job-context.js';

/** A job's handler; `Args` types `job.args` (the pool cannot check it: args come from Redis). */
export type Handler<Args = Record<string, unknown>> = (job: JobContext<Args>) => unknown;
export type Middleware = (job: JobContext, next: () => Promise<void>) => unknown;

const settled: Promise<void> = Promise.resolve();

/**
 * Call the handler alone, as `await handler(job)` would, without an async
 * frame per job: a handler that returns no promise costs no promise.
 */
function invoke(handler: Handler, job: JobContext): Promise<void> {
  try {
    const result = handler(job) as PromiseLike<unknown> | undefined;
    if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
      return Promise.resolve(result).then(() => undefined);
    }
    return settled;
  } catch (error) {
    return Promise.reject(error);
  }
}

export function composeMiddleware(middleware: readonly Middleware[], handler: Handler): (job: JobContext) => Promise<void> {
  if (middleware.length === 0) return (job) => invoke(handler, job);
  return (job) => {
    const run = async (index: number): Promise<void> => {
      const current = middleware[index];
      if (!current) {
        await handler(job);
        return;
      }
      let called = false;
      await current(job, () => {
        if (called) return Promise.reject(new Error('next() called more than once by a middleware'));
        called = true;
        return run(index + 1);
      });
    };
    return run(0);
  };
}
