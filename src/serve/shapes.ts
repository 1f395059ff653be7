// The JSON that `work serve` answers with, from what the Client returns. The
// read routes speak gocraft's web UI format (snake_case keys, a job's own
// field names, Go's omitempty), so scripts written against gocraft's server
// keep working; the few keys gocraft does not have are additions, never
// renames. Pure: every shape is tested without a server.
import type { JobEntry, JobPage, PoolHeartbeat, QueueInfo, WorkerObservation } from '../engine/client/types.js';
import type { Job } from '../engine/codec/job.js';

export function queueShape(q: QueueInfo): Record<string, unknown> {
  return {
    job_name: q.jobName,
    count: q.count,
    latency: q.latency,
    // Additions: the console's columns.
    paused: q.paused,
    running: q.running,
    max_concurrency: q.maxConcurrency,
    priority: q.priority,
  };
}

export function poolShape(h: PoolHeartbeat): Record<string, unknown> {
  return {
    worker_pool_id: h.poolId,
    started_at: h.startedAt,
    heartbeat_at: h.heartbeatAt,
    job_names: h.jobNames,
    concurrency: h.concurrency,
    host: h.host,
    pid: h.pid,
    worker_ids: h.workerIds,
    ...(h.invalid !== undefined ? { invalid: h.invalid } : {}),
  };
}

export function workerShape(o: WorkerObservation): Record<string, unknown> {
  return {
    worker_id: o.workerId,
    // Addition: which pool the worker belongs to.
    worker_pool_id: o.poolId,
    is_busy: o.isBusy,
    job_name: o.jobName,
    job_id: o.jobId,
    started_at: o.startedAt,
    args_json: o.argsJson,
    checkin: o.checkin,
    checkin_at: o.checkinAt,
    ...(o.invalid !== undefined ? { invalid: o.invalid } : {}),
  };
}

/** A job under its stored field names, zero values left out as Go's omitempty does ("id", "t" and "args" always there). */
export function jobFields(job: Job): Record<string, unknown> {
  return {
    ...(job.name !== '' ? { name: job.name } : {}),
    id: job.id,
    t: job.enqueuedAt,
    args: job.args,
    ...(job.unique ? { unique: true } : {}),
    ...(job.uniqueKey ? { unique_key: job.uniqueKey } : {}),
    ...(job.fails !== 0 ? { fails: job.fails } : {}),
    ...(job.lastError ? { err: job.lastError } : {}),
    ...(job.failedAt ? { failed_at: job.failedAt } : {}),
  };
}

/** What a set's score means, under gocraft's key for it. */
export type ScoreKey = 'run_at' | 'retry_at' | 'died_at';

/**
 * One set member. A member that is not a job (gocraft fails the whole page on
 * one) is listed with its score, `invalid` (why) and `raw` (its text).
 */
export function entryShape(entry: JobEntry, scoreKey: ScoreKey): Record<string, unknown> {
  if (entry.invalid !== undefined) return { [scoreKey]: entry.score, invalid: entry.invalid, raw: entry.raw };
  return { [scoreKey]: entry.score, ...jobFields(entry) };
}

export function pageShape(page: JobPage, scoreKey: ScoreKey): { count: number; jobs: Record<string, unknown>[] } {
  return { count: page.count, jobs: page.jobs.map((e) => entryShape(e, scoreKey)) };
}
