// heartbeat-2.lua: register a pool and write its heartbeat on Redis's clock.
import type { ScriptCall } from '../script-call.js';

export interface HeartbeatFields {
  startedAt: number;
  jobNames: string;
  concurrency: number;
  workerIds: string;
  host: string;
  pid: number;
}

export interface Beat {
  /** The pool was not in worker_pools (a first beat, or Redis lost it). */
  added: boolean;
  /** heartbeat_at as written: Redis's clock, epoch seconds. */
  at: number;
}

export function heartbeatCall(workerPools: string, heartbeat: string, poolId: string, f: HeartbeatFields): ScriptCall<Beat> {
  return {
    script: 'heartbeat-2',
    keys: [workerPools, heartbeat],
    // gocraft's field names and formats, which Go's reaper and Client parse.
    args: [poolId, 'started_at', f.startedAt, 'job_names', f.jobNames, 'concurrency', f.concurrency, 'worker_ids', f.workerIds, 'host', f.host, 'pid', f.pid],
    replyAs: 'text',
    parse: (reply) => {
      const [added, at] = reply as [number, number];
      return { added: Number(added) === 1, at: Number(at) };
    },
  };
}
