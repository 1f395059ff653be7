// `POST /jobs/:name`: what its body may say, checked before anything reaches
// Redis, and which Enqueuer call it becomes. Pure apart from that call.
import type { Enqueuer, JobArgs } from '../engine/enqueuer/enqueuer.js';
import type { Job } from '../engine/codec/job.js';
import { InvalidArgumentError } from '../engine/errors.js';

export interface EnqueueRequest {
  args: JobArgs | null;
  /** Seconds from now; undefined to queue it at once. */
  in?: number;
  /** Unique by name and args. */
  unique: boolean;
  /** Unique by this key map instead (unique is then implied). */
  uniqueKey?: JobArgs | null;
}

const FIELDS = ['args', 'in', 'unique', 'uniqueKey'];

const isObjectOrNull = (value: unknown): value is JobArgs | null =>
  value === null || (typeof value === 'object' && !Array.isArray(value));

/** The body as an EnqueueRequest; an absent body means `{}` (args {}). Throws InvalidArgumentError saying what is wrong. */
export function readEnqueueRequest(body: unknown): EnqueueRequest {
  if (body === undefined) return { args: {}, unique: false };
  if (!isObjectOrNull(body) || body === null) {
    throw new InvalidArgumentError('the body must be a JSON object such as {"args":{"to":"ada@example.com"}}');
  }
  const unknown = Object.keys(body).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown field(s) ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} (known: ${FIELDS.join(', ')}; the job's own arguments go inside "args")`,
    );
  }
  const { args = {}, in: delay, unique = false, uniqueKey } = body as Record<string, unknown>;
  if (!isObjectOrNull(args)) throw new InvalidArgumentError('"args" must be a JSON object or null');
  if (delay !== undefined && (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0)) {
    throw new InvalidArgumentError('"in" must be a number of seconds >= 0');
  }
  if (typeof unique !== 'boolean') throw new InvalidArgumentError('"unique" must be true or false');
  if (uniqueKey !== undefined && !isObjectOrNull(uniqueKey)) throw new InvalidArgumentError('"uniqueKey" must be a JSON object or null');
  if (uniqueKey !== undefined && body.unique === false) {
    throw new InvalidArgumentError('"uniqueKey" makes a job unique; it cannot go with "unique": false');
  }
  return { args, unique, ...(delay !== undefined ? { in: delay } : {}), ...(uniqueKey !== undefined ? { uniqueKey } : {}) };
}

export interface EnqueueOutcome {
  /** null when a unique job was refused: an equal one waits or is scheduled. */
  job: Job | null;
  /** With "in": when it becomes due, epoch seconds. */
  runAt?: number;
}

/** Runs the request through the Enqueuer call that says exactly what it asks for. */
export async function enqueueRequest(enqueuer: Enqueuer, name: string, request: EnqueueRequest): Promise<EnqueueOutcome> {
  const { args, in: delay, unique, uniqueKey } = request;
  if (delay === undefined) {
    if (uniqueKey !== undefined) return { job: await enqueuer.enqueueUniqueByKey(name, args, uniqueKey) };
    return { job: unique ? await enqueuer.enqueueUnique(name, args) : await enqueuer.enqueue(name, args) };
  }
  const scheduled =
    uniqueKey !== undefined
      ? await enqueuer.enqueueUniqueInByKey(name, delay, args, uniqueKey)
      : unique
        ? await enqueuer.enqueueUniqueIn(name, delay, args)
        : await enqueuer.enqueueIn(name, delay, args);
  return scheduled ? { job: scheduled.job, runAt: scheduled.runAt } : { job: null };
}
