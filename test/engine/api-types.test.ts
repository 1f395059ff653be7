// The public API's types, checked by the compiler (npm run typecheck) and
// at run time where a value carries them.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Job, JobContext, PoolEventMap } from '../../src/index.js';
import { Enqueuer, WorkerPool } from '../../src/index.js';

describe('typed job args', () => {
  it('type a handler\'s job.args, with and without options', () => {
    const pool = new WorkerPool({ redis: 'redis://127.0.0.1:1', namespace: 'types' });
    pool.job<{ to: string; attempts?: number }>('send_email', (job) => {
      expectTypeOf(job.args.to).toEqualTypeOf<string>();
      expectTypeOf(job.args.attempts).toEqualTypeOf<number | undefined>();
      expectTypeOf(job).toEqualTypeOf<JobContext<{ to: string; attempts?: number }>>();
    });
    pool.job<{ id: number }>('resize', { maxFails: 2 }, async (job) => {
      expectTypeOf(job.args.id).toEqualTypeOf<number>();
    });
    // Untyped handlers still see a record.
    pool.job('plain', (job) => {
      expectTypeOf(job.args).toEqualTypeOf<Record<string, unknown>>();
    });
    expect(pool.jobNames).toEqual(['send_email', 'resize', 'plain']);
  });

  it('job:failed carries what was thrown, as an Error', () => {
    expectTypeOf<PoolEventMap['job:failed'][0]['exception']>().toEqualTypeOf<Error>();
    expectTypeOf<PoolEventMap['job:failed'][0]['error']>().toEqualTypeOf<string>();
  });

  it('enqueue with options may refuse (null); without them it always returns the job', () => {
    // Compiled, never called: the types are the point.
    const shapes = (enqueuer: Enqueuer) => {
      expectTypeOf(enqueuer.enqueue('a', {})).toEqualTypeOf<Promise<Job>>();
      expectTypeOf(enqueuer.enqueue('a', {}, { in: 60, unique: true })).toEqualTypeOf<Promise<Job | null>>();
      // @ts-expect-error: an unknown option is a compile error (and an InvalidArgumentError at run time)
      void enqueuer.enqueue('a', {}, { delay: 5 });
    };
    expect(typeof shapes).toBe('function');
  });
});
