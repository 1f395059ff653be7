// Public API of `work`.
export { Enqueuer, type EnqueuerOptions, type EnqueueOptions, type ScheduledJob, type BulkJob, type JobArgs } from './engine/enqueuer/enqueuer.js';
export { WorkerPool, type WorkerPoolOptions, type StopOptions, type StopReport } from './engine/pool/worker-pool.js';
export {
  Client,
  PAGE_SIZE,
  diagnose,
  type ClientOptions,
  type RetryAllResult,
  type DeleteAllResult,
  type MetricsWindow,
  type JobMetrics,
  type Percentiles,
  type DoctorFacts,
  type Finding,
  type FindingLevel,
} from './engine/client/client.js';
export type * from './engine/client/types.js';
export { defineHandlers, type HandlersModule, type JobDefinition } from './engine/pool/handlers-module.js';
export type { JobOptions } from './engine/pool/job-options.js';
export type { JobContext } from './engine/pool/job-context.js';
export type { Handler, Middleware } from './engine/pool/middleware.js';
export type { PoolEventMap, JobEvent } from './engine/pool/events.js';
export type { Job } from './engine/codec/job.js';
export { defaultBackoff, type BackoffFn } from './engine/pool/backoff.js';
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
  KilledWorkerError,
  BulkEnqueueError,
} from './engine/errors.js';
export { namespacePrefix } from './engine/codec/keys.js';
