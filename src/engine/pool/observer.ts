// Publishes what each worker is doing (gocraft's worker:<id> hashes). State is
// kept in memory and flushed at most once a second per pool in one pipeline,
// so short jobs cost nothing; an idle worker's hash is deleted.
import { epochSeconds } from '../clock.js';
import { goJsonStringify } from '../codec/go-json.js';
import type { Job } from '../codec/job.js';
import { observationKey } from '../codec/keys.js';
import { PeriodicTask } from './periodic-task.js';
import { execOrThrow } from '../redis/pipeline.js';
import type { PoolContext } from './pool-context.js';

interface Observation {
  jobName: string;
  jobId: string;
  startedAt: number;
  /** Encoded at flush time: most jobs finish before a flush ever sees them. */
  args: Record<string, unknown> | null;
  checkin?: string;
  checkinAt?: number;
}

const OBSERVATION_TTL_SECONDS = 86_400;

export class Observer {
  private readonly current = new Map<string, Observation | undefined>();
  private readonly dirty = new Set<string>();
  private readonly task: PeriodicTask;

  constructor(
    private readonly ctx: PoolContext,
    private readonly workerIds: readonly string[],
    flushIntervalMs = 1000,
  ) {
    this.task = new PeriodicTask(() => this.flush(), {
      intervalMs: flushIntervalMs,
      firstDelayMs: flushIntervalMs,
      onError: (error) => ctx.report('observer', error),
    });
  }

  start(): void {
    this.task.start();
  }

  started(workerId: string, job: Job): void {
    this.current.set(workerId, {
      jobName: job.name,
      jobId: job.id,
      startedAt: epochSeconds(this.ctx.clock),
      args: job.args,
    });
    this.dirty.add(workerId);
  }

  checkin(workerId: string, jobId: string, message: string): void {
    const observation = this.current.get(workerId);
    if (!observation || observation.jobId !== jobId) return;
    observation.checkin = message;
    observation.checkinAt = epochSeconds(this.ctx.clock);
    this.dirty.add(workerId);
  }

  done(workerId: string): void {
    this.current.set(workerId, undefined);
    this.dirty.add(workerId);
  }

  /** Stop ticking and remove every worker's hash (the pool is going away). */
  async stop(): Promise<void> {
    await this.task.stop();
    const keys = this.workerIds.map((id) => observationKey(this.ctx.prefix, id));
    if (keys.length > 0) await this.ctx.redis.del(...keys);
  }

  async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const pipe = this.ctx.redis.pipeline();
    for (const workerId of this.dirty) {
      const key = observationKey(this.ctx.prefix, workerId);
      const o = this.current.get(workerId);
      if (!o) {
        pipe.del(key);
        continue;
      }
      // gocraft writes the empty string for nil or empty args.
      const args = o.args === null || Object.keys(o.args).length === 0 ? '' : safeGoJson(o.args);
      pipe.hset(key, { job_name: o.jobName, job_id: o.jobId, started_at: o.startedAt, args });
      // A new job must not show the previous job's check-in (gocraft bug).
      if (o.checkin === undefined || o.checkin === '') pipe.hdel(key, 'checkin', 'checkin_at');
      else pipe.hset(key, { checkin: o.checkin, checkin_at: o.checkinAt ?? 0 });
      pipe.expire(key, OBSERVATION_TTL_SECONDS);
    }
    this.dirty.clear();
    await execOrThrow(pipe);
  }
}

function safeGoJson(value: unknown): string {
  try {
    return goJsonStringify(value);
  } catch {
    return '';
  }
}
