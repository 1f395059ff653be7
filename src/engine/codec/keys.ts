// The Redis key layout. This is the compatibility surface with gocraft/work:
// every key name below is byte-for-byte what Go reads and writes, except the
// ones marked "work only", which Go never looks at.

/** gocraft's prefix rule: append one ':' unless the namespace already ends with one; '' stays ''. */
export function namespacePrefix(namespace: string): string {
  if (namespace === '') return '';
  return namespace.endsWith(':') ? namespace : `${namespace}:`;
}

/** Prefix shared by every queue key; scripts use it to turn a job name into its queue. */
export const jobsPrefix = (p: string): string => `${p}jobs:`;

/** The queue (list): producers LPUSH, workers take from the right. */
export const queueKey = (p: string, jobName: string): string => `${p}jobs:${jobName}`;

/** Jobs a pool has taken and not finished, one list per pool per job name. */
export const inProgressKey = (p: string, jobName: string, poolId: string): string =>
  `${p}jobs:${jobName}:${poolId}:inprogress`;

/** The queue is paused while this key exists, whatever its value. */
export const pausedKey = (p: string, jobName: string): string => `${p}jobs:${jobName}:paused`;

/** Namespace-wide count of running jobs of this name (MaxConcurrency semaphore). */
export const lockKey = (p: string, jobName: string): string => `${p}jobs:${jobName}:lock`;

/** Per pool share of the lock count: field = pool id. */
export const lockInfoKey = (p: string, jobName: string): string => `${p}jobs:${jobName}:lock_info`;

export const maxConcurrencyKey = (p: string, jobName: string): string => `${p}jobs:${jobName}:max_concurrency`;

/** work only: the priority the last started pool gave this job name (for the console). */
export const priorityKey = (p: string, jobName: string): string => `${p}jobs:${jobName}:priority`;

export const knownJobsKey = (p: string): string => `${p}known_jobs`;
export const scheduledKey = (p: string): string => `${p}scheduled`;
export const retryKey = (p: string): string => `${p}retry`;
export const deadKey = (p: string): string => `${p}dead`;

/**
 * Uniqueness marker. `encodedKeyMap` is Go's stream encoding of the key map,
 * which ends in a newline; for a nil key map it is the empty string.
 */
export const uniqueKey = (p: string, jobName: string, encodedKeyMap: string): string =>
  `${p}unique:${jobName}:${encodedKeyMap}`;

/**
 * Whether `key` can be a uniqueness marker of `jobName` in this namespace:
 * the marker prefix, then nothing (a nil key map) or one JSON object and the
 * newline of Go's stream encoding. A job's "unique_key" field names the key
 * a pool deletes when the job starts, so anything else (another job's marker,
 * a lock key, a key of another application) must never be taken from it.
 */
export function isUniqueKeyOf(p: string, jobName: string, key: string): boolean {
  const head = uniqueKey(p, jobName, '');
  if (!key.startsWith(head)) return false;
  const rest = key.slice(head.length);
  return rest === '' || (rest.startsWith('{') && rest.endsWith('}\n'));
}

export const workerPoolsKey = (p: string): string => `${p}worker_pools`;
export const heartbeatKey = (p: string, poolId: string): string => `${p}worker_pools:${poolId}`;
export const observationKey = (p: string, workerId: string): string => `${p}worker:${workerId}`;
export const lastPeriodicEnqueueKey = (p: string): string => `${p}last_periodic_enqueue`;

/**
 * work only: prefix of the durable metrics hashes, `<p>metrics:m:<minute>`
 * and `<p>metrics:h:<hour>` (epoch seconds of the minute or hour, Redis's
 * clock); fields in metrics/job-counts.ts.
 */
export const metricsPrefix = (p: string): string => `${p}metrics:`;
export const metricsMinuteKey = (p: string, minute: number): string => `${p}metrics:m:${minute}`;
export const metricsHourKey = (p: string, hour: number): string => `${p}metrics:h:${hour}`;

/** work only: where a purged queue's jobs wait while their uniqueness markers are released (then unlinked). */
export const purgingKey = (p: string, jobName: string, runId: string): string => `${p}jobs:${jobName}:purging:${runId}`;

/** work only: hash job name -> jobs finished (success or failure). */
export const processedCountKey = (p: string): string => `${p}stats:processed`;
/** work only: hash job name -> jobs that failed. */
export const failedCountKey = (p: string): string => `${p}stats:failed`;
/**
 * work only: hash sha1(job bytes) -> times a reaper put the job back after its
 * pool died while running it. Emptied as jobs finish; expires a week after
 * the last rescue (a job finished by a Go pool leaves its field behind).
 */
export const rescuesKey = (p: string): string => `${p}rescues`;
/** work only: pub/sub channel that wakes idle pools when a queue receives work. */
export const wakeChannel = (p: string): string => `${p}wake`;
/** work only: hash pool id -> pulse (`<interval ms>:<count>`) of the pools that hold a presence subscription (see presence.ts). */
export const presenceKey = (p: string): string => `${p}presence`;
/** work only: the channel a pool stays subscribed to while its process lives. */
export const presenceChannel = (p: string, poolId: string): string => `${p}presence:${poolId}`;

/** Parse `<p>jobs:<job>:<poolId>:inprogress` back into its parts (pool ids never contain ':'). */
export function parseInProgressKey(p: string, key: string): { jobName: string; poolId: string } | undefined {
  const head = jobsPrefix(p);
  const tail = ':inprogress';
  if (!key.startsWith(head) || !key.endsWith(tail)) return undefined;
  const middle = key.slice(head.length, key.length - tail.length);
  const cut = middle.lastIndexOf(':');
  if (cut <= 0) return undefined;
  return { jobName: middle.slice(0, cut), poolId: middle.slice(cut + 1) };
}
