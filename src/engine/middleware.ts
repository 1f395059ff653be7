// The middleware chain: each middleware gets the job and a next() that runs
// the rest of the chain and then the handler.
import type { JobContext } from './job-context.js';

export type Handler = (job: JobContext) => unknown;
export type Middleware = (job: JobContext, next: () => Promise<void>) => unknown;

export function composeMiddleware(middleware: readonly Middleware[], handler: Handler): (job: JobContext) => Promise<void> {
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
