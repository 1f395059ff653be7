// Public API of `work`.
export { Enqueuer, type EnqueuerOptions, type EnqueueOptions, type ScheduledJob, type BulkJob, type JobArgs } from './engine/enqueuer.js';
export { WorkerPool, type WorkerPoolOptions, type StopOptions, type StopReport } from './engine/worker-pool.js';
export { Client, PAGE_SIZE, type ClientOptions, type RetryAllResult, type DeleteAllResult } from './engine/client.js';
export type * from './engine/client/types.js';
export { defineHandlers, type HandlersModule, type JobDefinition } from './engine/handlers-module.js';
export type { JobOptions } from './engine/job-options.js';
export type { JobContext } from './engine/job-context.js';
export type { Handler, Middleware } from './engine/middleware.js';
export type { PoolEventMap, JobEvent } from './engine/events.js';
export type { Job } from './engine/job.js';
export { defaultBackoff, type BackoffFn } from './engine/backoff.js';
export { systemClock, ManualClock, type Clock } from './engine/clock.js';
export {
  WorkError,
  NotDeletedError,
  NotRetriedError,
  InvalidArgumentError,
  InvalidJobError,
  JobTimeoutError,
  JobRequeuedError,
  StrayJobError,
} from './engine/errors.js';
export { namespacePrefix } from './engine/keys.js';
