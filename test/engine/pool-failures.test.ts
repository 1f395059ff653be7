// How a pool fails jobs, asserted on Redis afterwards: timeouts, throwing
// middleware, anything a handler can throw, and the events that report it.
import { describe, expect, it } from 'vitest';
import { decodeJob } from '../../src/engine/codec/job.js';
import type { JobContext } from '../../src/engine/pool/job-context.js';
import * as keys from '../../src/engine/codec/keys.js';
import type { PoolEventMap } from '../../src/engine/pool/events.js';
import { JobTimeoutError } from '../../src/engine/errors.js';
import { aborted, expectReleased, usePoolHarness, zsetEntries } from '../support/pool-harness.js';
import { deferred, waitFor } from '../support/wait.js';

const h = usePoolHarness('fail');

const deadMembers = (): ReturnType<typeof zsetEntries> => zsetEntries(h().t, keys.deadKey(h().t.prefix));
const expectQueueSettled = (name: string, poolId: string): Promise<void> => expectReleased(h().t, name, poolId);

describe('timeouts', () => {
  it('keeps the worker slot of a timed-out handler that ignores its signal until it returns', async () => {
    const { enqueuer, pool } = h();
    const release = deferred();
    const started: string[] = [];
    const p = pool({ concurrency: 1 })
      .job('hang', { timeoutMs: 50, maxFails: 1 }, async () => {
        started.push('hang');
        await release.promise; // never looks at job.signal
      })
      .job('next', () => {
        started.push('next');
      });
    const timedOut = deferred();
    p.on('job:timeout', () => timedOut.resolve());
    await enqueuer.enqueue('hang', {});
    await p.start();
    await waitFor(() => started.length === 1, { message: 'the hanging job to start' });
    await enqueuer.enqueue('next', {});
    await timedOut.promise;
    await waitFor(async () => (await deadMembers()).length === 1, { message: 'the timed-out job to be filed as dead' });
    const [entry] = await deadMembers();
    expect(decodeJob(entry!.member).lastError).toBe('job timed out after 0.05s');
    await expectQueueSettled('hang', p.id); // its lock count and in-progress entry went with the acknowledgement
    // The only worker is still taken by the runaway handler: nothing else starts.
    await new Promise((r) => setTimeout(r, 300));
    expect(started).toEqual(['hang']);
    expect(p.busy).toBe(1);
    release.resolve();
    await waitFor(() => started.length === 2, { message: 'the next job once the handler returned' });
    expect(started).toEqual(['hang', 'next']);
  });

  it('fails a handler past timeoutMs, aborts its signal with the reason, emits job:timeout, then retries and dies', async () => {
    const { enqueuer, pool, t } = h();
    const reasons: unknown[] = [];
    const attempts: number[] = [];
    const p = pool().job('slow', { timeoutMs: 150, maxFails: 2, backoff: () => 0 }, async (job) => {
      attempts.push(job.fails);
      // A well-behaved handler stops when its signal fires.
      reasons.push(await aborted(job.signal));
      throw job.signal.reason;
    });
    const timeouts: Array<PoolEventMap['job:timeout'][0]> = [];
    const failed: Array<PoolEventMap['job:failed'][0]> = [];
    p.on('job:timeout', (e) => timeouts.push(e));
    p.on('job:failed', (e) => failed.push(e));
    const dead = deferred();
    p.on('job:dead', () => dead.resolve());
    await p.start();
    const job = await enqueuer.enqueue('slow', { n: 1 });
    await dead.promise;

    expect(attempts).toEqual([0, 1]);
    expect(reasons).toHaveLength(2);
    for (const reason of reasons) {
      expect(reason).toBeInstanceOf(JobTimeoutError);
      expect((reason as Error).message).toBe('job timed out after 0.15s');
    }
    expect(timeouts.map((e) => [e.job.id, e.timeoutMs])).toEqual([
      [job.id, 150],
      [job.id, 150],
    ]);
    expect(failed.map((e) => [e.error, e.fate])).toEqual([
      ['job timed out after 0.15s', 'retry'],
      ['job timed out after 0.15s', 'dead'],
    ]);
    for (const e of failed) expect(e.durationMs).toBeGreaterThanOrEqual(140);

    const [entry] = await waitFor(async () => {
      const found = await deadMembers();
      return found.length === 1 ? found : undefined;
    });
    expect(decodeJob(entry!.member)).toMatchObject({ id: job.id, fails: 2, lastError: 'job timed out after 0.15s' });
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    await expectQueueSettled('slow', p.id);
  });

  it('a handler that finishes in time is not affected by its timeout', async () => {
    const { enqueuer, pool, t } = h();
    let signal: AbortSignal | undefined;
    const p = pool().job('quick', { timeoutMs: 2000 }, (job) => {
      signal = job.signal;
    });
    const timeouts: unknown[] = [];
    p.on('job:timeout', (e) => timeouts.push(e));
    await p.start();
    await enqueuer.enqueue('quick', {});
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'quick')) === '1');
    expect(signal?.aborted).toBe(false);
    expect(timeouts).toEqual([]);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
  });
});

describe('middleware', () => {
  it('runs in the order added; one that throws fails the job and the handler never runs', async () => {
    const { enqueuer, pool, t } = h();
    const calls: string[] = [];
    const p = pool()
      .use(async (job, next) => {
        calls.push(`first:${job.name}`);
        await next();
        calls.push(`first-after:${job.name}`);
      })
      .use((job, next) => {
        calls.push(`second:${job.name}`);
        if (job.args.deny) throw new Error(`denied by middleware: ${String(job.args.deny)}`);
        return next();
      })
      .job('guarded', { maxFails: 1 }, (job) => {
        calls.push(`handler:${job.name}:${String(job.args.deny ?? '-')}`);
      });
    const dead = deferred<PoolEventMap['job:dead'][0]>();
    p.on('job:dead', (e) => dead.resolve(e));
    await p.start();
    await enqueuer.enqueue('guarded', { deny: 'nope' });
    const event = await dead.promise;
    expect(event.error).toBe('denied by middleware: nope');
    expect(calls).toEqual(['first:guarded', 'second:guarded']);
    const [entry] = await waitFor(async () => {
      const found = await deadMembers();
      return found.length === 1 ? found : undefined;
    });
    expect(decodeJob(entry!.member).lastError).toBe('denied by middleware: nope');

    calls.length = 0;
    await enqueuer.enqueue('guarded', {});
    await waitFor(() => calls.length === 4);
    expect(calls).toEqual(['first:guarded', 'second:guarded', 'handler:guarded:-', 'first-after:guarded']);
    await expectQueueSettled('guarded', p.id);
    expect(await t.redis.hget(keys.failedCountKey(t.prefix), 'guarded')).toBe('1');
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'guarded')) === '2');
  });

  it('a middleware that calls next() twice fails the job', async () => {
    const { enqueuer, pool } = h();
    let runs = 0;
    const p = pool()
      .use(async (_job, next) => {
        await next();
        await next();
      })
      .job('twice', { maxFails: 1 }, () => {
        runs++;
      });
    const dead = deferred<string>();
    p.on('job:dead', (e) => dead.resolve(e.error));
    await p.start();
    await enqueuer.enqueue('twice', {});
    expect(await dead.promise).toBe('next() called more than once by a middleware');
    expect(runs).toBe(1);
  });
});

describe('events', () => {
  it('report started, completed, failed, retry and dead with their payloads', async () => {
    const { enqueuer, pool, t } = h();
    const p = pool({ concurrency: 1 })
      .job('good', () => {})
      .job('bad', { maxFails: 2, backoff: () => 0 }, (job) => {
        throw new Error(`attempt ${job.fails + 1} failed`);
      });
    const log: Array<[string, Record<string, unknown>]> = [];
    for (const name of ['job:started', 'job:completed', 'job:failed', 'job:retry', 'job:dead', 'job:timeout'] as const) {
      p.on(name, (e: object) => {
        log.push([name, e as Record<string, unknown>]);
      });
    }
    const dead = deferred();
    p.on('job:dead', () => dead.resolve());
    await p.start();
    const good = await enqueuer.enqueue('good', { a: 1 });
    await waitFor(() => log.some(([n]) => n === 'job:completed'));
    const bad = await enqueuer.enqueue('bad', { b: 2 });
    await dead.promise;
    const now = Math.floor(Date.now() / 1000);

    expect(log.map(([n, e]) => `${n} ${(e.job as { name: string }).name}`)).toEqual([
      'job:started good',
      'job:completed good',
      'job:started bad',
      'job:failed bad',
      'job:retry bad',
      'job:started bad',
      'job:failed bad',
      'job:dead bad',
    ]);
    for (const [, e] of log) {
      expect(e.poolId).toBe(p.id);
      expect(e.workerId).toMatch(/^[0-9a-f]{24}$/);
    }
    const [started, completed, , failed1, retry, started2, failed2, deadEvent] = log.map(([, e]) => e);
    expect(started!.job).toMatchObject({ name: 'good', id: good.id, args: { a: 1 }, fails: 0 });
    expect(completed!.job).toMatchObject({ id: good.id });
    expect(completed!.durationMs).toBeGreaterThanOrEqual(0);
    expect(failed1).toMatchObject({ error: 'attempt 1 failed', fate: 'retry', job: { id: bad.id, fails: 0 } });
    expect(failed1!.durationMs).toBeGreaterThanOrEqual(0);
    expect(retry).toMatchObject({ error: 'attempt 1 failed', job: { id: bad.id } });
    expect(Math.abs((retry!.retryAt as number) - now)).toBeLessThanOrEqual(2);
    expect(started2!.job).toMatchObject({ id: bad.id, fails: 1, lastError: 'attempt 1 failed' });
    expect(failed2).toMatchObject({ error: 'attempt 2 failed', fate: 'dead' });
    expect(deadEvent).toMatchObject({ error: 'attempt 2 failed', job: { id: bad.id, fails: 1 } });
    // Events fire as the outcome is decided; Redis is written by the next acknowledgement.
    await waitFor(async () => (await t.redis.zcard(keys.deadKey(t.prefix))) === 1, { message: 'bad job in dead' });
  });

  it('emits job:failed with fate "discard" and files nothing when skipDead is set', async () => {
    const { enqueuer, pool, t } = h();
    const p = pool().job('skip', { maxFails: 1, skipDead: true }, () => {
      throw new Error('drop me');
    });
    const failed = deferred<PoolEventMap['job:failed'][0]>();
    p.on('job:failed', (e) => failed.resolve(e));
    await p.start();
    await enqueuer.enqueue('skip', {});
    expect(await failed.promise).toMatchObject({ error: 'drop me', fate: 'discard' });
    await expectQueueSettled('skip', p.id);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(0);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    expect(await t.redis.hget(keys.failedCountKey(t.prefix), 'skip')).toBe('1');
  });

  it('a listener that throws (or rejects) does not break processing; it is reported as an error', async () => {
    const { enqueuer, pool, t, errors } = h();
    const seen: number[] = [];
    const p = pool({ concurrency: 2 }).job('listened', (job) => {
      seen.push(job.args.n as number);
    });
    p.on('job:started', () => {
      throw new Error('listener exploded');
    });
    p.on('job:completed', async () => {
      throw new Error('async listener exploded');
    });
    await p.start();
    await enqueuer.enqueueBulk(Array.from({ length: 5 }, (_, n) => ({ name: 'listened', args: { n } })));
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'listened')) === '5', {
      message: 'all 5 processed',
    });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    await expectQueueSettled('listened', p.id);
    await waitFor(() => errors.length === 10, { message: '10 listener errors reported' });
    const messages = errors.map((e) => `${e.op}: ${(e.error as Error).message}`);
    expect(messages.filter((m) => m === 'listener for job:started: listener exploded')).toHaveLength(5);
    expect(messages.filter((m) => m === 'listener for job:completed: async listener exploded')).toHaveLength(5);
    errors.splice(0);
  });
});

describe('what a handler can throw', () => {
  const throwers: Record<string, (job: JobContext) => unknown> = {
    string: () => {
      throw 'plain string';
    },
    object: () => {
      throw { code: 42, reason: 'object thrown' };
    },
    undefined: () => {
      throw undefined;
    },
    null: () => {
      throw null;
    },
    number: () => {
      throw 7;
    },
    nan: () => {
      throw NaN;
    },
    rejected: () => Promise.reject(new Error('rejected promise')),
    'rejected-string': async () => {
      await Promise.resolve();
      throw 'async string';
    },
    'empty-error': () => {
      throw new Error('');
    },
    'empty-string': () => {
      throw '';
    },
    'type-error': (job) => (job.args as unknown as { missing: { deep: number } }).missing.deep,
    'throwing-message': () => {
      const error = new Error('x');
      Object.defineProperty(error, 'message', {
        get() {
          throw new Error('no message for you');
        },
      });
      throw error;
    },
    'throwing-everything': () => {
      const error = new Error('x');
      const boom = () => {
        throw new Error('boom');
      };
      Object.defineProperty(error, 'message', { get: boom });
      Object.defineProperty(error, 'name', { get: boom });
      throw error;
    },
    'throwing-tostring': () => {
      throw { toJSON: () => { throw new Error('no JSON'); }, toString: () => { throw new Error('no string'); } };
    },
    'revoked-proxy': () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      throw proxy;
    },
    symbol: () => {
      throw Symbol('odd');
    },
    bigint: () => {
      throw 10n ** 30n;
    },
  };
  const expected: Record<string, string | RegExp> = {
    string: 'plain string',
    object: '{"code":42,"reason":"object thrown"}',
    undefined: 'undefined',
    null: 'null',
    number: '7',
    nan: 'NaN',
    rejected: 'rejected promise',
    'rejected-string': 'async string',
    'empty-error': 'Error',
    'empty-string': 'threw an empty string',
    'type-error': /^Cannot read properties of undefined \(reading 'deep'\)$/,
    'throwing-message': 'Error',
    'throwing-everything': '[unprintable thrown value]',
    'throwing-tostring': '[unprintable thrown value]',
    'revoked-proxy': '[unprintable thrown value]',
    symbol: 'Symbol(odd)',
    bigint: '1000000000000000000000000000000',
  };

  it('fails the job with a readable err for every kind of throw or rejection', async () => {
    const { enqueuer, pool } = h();
    const p = pool({ concurrency: 4 });
    for (const [name, thrower] of Object.entries(throwers)) p.job(name, { maxFails: 1 }, thrower);
    await p.start();
    await enqueuer.enqueueBulk(Object.keys(throwers).map((name) => ({ name, args: {} })));
    const found = await waitFor(async () => {
      const members = await deadMembers();
      return members.length === Object.keys(throwers).length ? members : undefined;
    });
    const errs = Object.fromEntries(found.map(({ member }) => [decodeJob(member).name, decodeJob(member).lastError]));
    for (const [name, want] of Object.entries(expected)) {
      if (typeof want === 'string') expect(errs[name], name).toBe(want);
      else expect(errs[name], name).toMatch(want);
    }
    for (const name of Object.keys(throwers)) await expectQueueSettled(name, p.id);
  });

  it('job:failed carries what was thrown as an Error: the Error itself, or one whose cause is the value', async () => {
    const { enqueuer, pool } = h();
    const thrownError = new TypeError('typed');
    const thrownValue = { code: 42 };
    const p = pool()
      .job('error', { maxFails: 1 }, () => {
        throw thrownError;
      })
      .job('value', { maxFails: 1 }, () => {
        throw thrownValue;
      });
    const seen = new Map<string, Error>();
    p.on('job:failed', ({ job, exception }) => seen.set(job.name, exception));
    await p.start();
    await enqueuer.enqueueBulk([{ name: 'error' }, { name: 'value' }]);
    await waitFor(() => seen.size === 2);
    expect(seen.get('error')).toBe(thrownError);
    expect(seen.get('value')).toBeInstanceOf(Error);
    expect(seen.get('value')!.message).toBe('{"code":42}');
    expect(seen.get('value')!.cause).toBe(thrownValue);
  });
});
