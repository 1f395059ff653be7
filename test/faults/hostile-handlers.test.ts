// Handlers that misbehave inside a live pool, beside ordinary jobs: throwing
// things that are not Errors (some that cannot even be printed) and never
// resolving, with and without a timeout. Each ends as the README documents,
// and the audit finds every other job run and nothing left behind.
import { describe, expect, it } from 'vitest';
import { decodeJob } from '../../src/engine/codec/job.js';
import type { JobContext } from '../../src/engine/pool/job-context.js';
import { deadKey, inProgressKey, queueKey } from '../../src/engine/codec/keys.js';
import { auditJobs, describeAudit, expectNothingLost } from '../support/audit.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const harness = usePoolHarness('hostile');

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;
class GetterError extends Error {
  override get message(): string {
    throw new Error('the message getter throws');
  }
}
const unprintable = {
  toJSON() {
    throw new Error('toJSON throws');
  },
  toString() {
    throw new Error('toString throws');
  },
};

// Thrown value -> the job's err in dead.
const THROWN: Array<[string, () => unknown, string]> = [
  ['null', () => null, 'null'],
  ['undefined', () => undefined, 'undefined'],
  ['number', () => 42, '42'],
  ['symbol', () => Symbol('sym'), 'Symbol(sym)'],
  ['bigint', () => 10n, '10'],
  ['object', () => ({ code: 'E42' }), '{"code":"E42"}'],
  ['circular', () => circular, '[object Object]'],
  ['getter-error', () => new GetterError(), 'Error'],
  ['unprintable', () => unprintable, '[unprintable thrown value]'],
];

describe('hostile handlers in a live pool', () => {
  it('fail every non-Error throw readably, time out a handler that never resolves, and requeue one without a timeout at stop', { timeout: 20_000 }, async () => {
    const { t, enqueuer, pool } = harness();
    const runs = new Map<string, number>();
    const p = pool({ concurrency: 4 });
    for (const [name, value] of THROWN) {
      p.job(`throw-${name}`, { maxFails: 1 }, () => {
        throw value();
      });
    }
    const forever = (): Promise<void> => new Promise(() => {});
    p.job('hang-timeout', { maxFails: 1, timeoutMs: 200 }, forever);
    p.job('hang', forever);
    p.job('plain', (job: JobContext) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
    });
    await p.start();

    const hostile = await enqueuer.enqueueBulk([...THROWN.map(([name]) => ({ name: `throw-${name}` })), { name: 'hang-timeout' }, { name: 'hang' }]);
    const plain = await enqueuer.enqueueBulk(Array.from({ length: 30 }, (_, i) => ({ name: 'plain', args: { i } })));
    const names = [...THROWN.map(([name]) => `throw-${name}`), 'hang-timeout', 'hang', 'plain'];

    // Two workers stay taken for good (the handlers never return); the other two run the rest.
    await waitFor(() => plain.every((j) => runs.has(j.id)), { message: 'the ordinary jobs to run beside the hostile ones' });
    const dead = await waitFor(async () => {
      const members = await t.redis.zrange(deadKey(t.prefix), 0, -1);
      return members.length === THROWN.length + 1 ? members.map((m) => decodeJob(m)) : undefined;
    }, { message: 'every throw and the timed-out handler in dead' });
    const errors = Object.fromEntries(dead.map((job) => [job.name, job.lastError]));
    for (const [name, , err] of THROWN) expect(errors[`throw-${name}`], name).toBe(err);
    expect(errors['hang-timeout']).toBe('job timed out after 0.2s');
    expect(p.busy).toBe(2);
    const hang = hostile.find((j) => j.name === 'hang')!;
    expect(await t.redis.lrange(inProgressKey(t.prefix, 'hang', p.id), 0, -1)).toHaveLength(1);

    // A stop gives the never-resolving job back to the front of its queue.
    const { requeued } = await p.stop({ graceMs: 200 });
    expect(requeued).toBe(1);
    const [back] = await t.redis.lrange(queueKey(t.prefix, 'hang'), 0, -1);
    expect(decodeJob(back!).id).toBe(hang.id);

    const audit = await auditJobs(t.redis, t.prefix, { ids: [...hostile, ...plain].map((j) => j.id), runs, names });
    console.log(describeAudit('hostile handlers', audit));
    expectNothingLost(audit);
    expect(audit.completed).toBe(plain.length);
    expect(audit.ranTwice).toBe(0);
    expect([audit.dead, audit.queued, audit.retry]).toEqual([THROWN.length + 1, 1, 0]);
  });
});
