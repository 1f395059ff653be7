#!lua flags=allow-oom
--[[
  Complete a batch of jobs this pool ran: remove each from its in-progress
  list, give back its lock count, count it, and file failures in retry or dead.

  KEYS[1]  retry zset
  KEYS[2]  dead zset
  KEYS[3]  processed counter hash (work only; field = job name)
  KEYS[4]  failed counter hash (work only; field = job name)
  KEYS[5]  rescues hash (work only; see fetch-jobs-var.lua)
  KEYS[6…] three per job name in the batch: in-progress list, lock, lock_info
  ARGV[1]  pool id
  ARGV[2]  metrics key prefix (work only), or "" when the pool keeps none
  ARGV[3]  seconds a minute's metrics hash is kept
  ARGV[4]  seconds an hour's metrics hash is kept
  ARGV[5…] one group per job name, in the order of the keys:
             name, okCount, failedCount,
             okCount popped bytes (jobs that succeeded),
             failedCount × 4: popped bytes, outcome, score, new bytes,
             metricCount, metricCount × 2: field, increment
           outcome: "retry" | "dead" | "discard"; score/new bytes: the
           retry-at or died-at time and the member to add (ignored for discard)

  Output: number of jobs that were no longer in the in-progress list.

  LREM searches from the tail (count -1): the fetch pushes each job at the
  head, so the oldest jobs, which mostly finish first, sit at the tail. From
  the head, each removal scanned nearly the whole list, a cost that grew with
  the pool's concurrency.

  Jobs are grouped by name so that a successful job costs one argument: the
  batch is usually many jobs of a few names, and every argument is copied
  and framed several times on its way to Redis.

  A job missing from in-progress was taken away meanwhile (a reaper judged
  this pool dead and requeued it, or a graceful stop returned it). Its lock
  count went with it and it will run again, so nothing more is done for it:
  no double DECR (gocraft's lock drift) and no duplicate in retry or dead.
  Counts never go below zero. A finished job's rescue count goes with it.

  Metrics (work only): the caller counts the batch's runs per name (finished,
  failed, retried, dead, and histogram buckets of run time and latency, see
  metrics/job-counts.ts) and they are added to the hashes of the current
  minute and hour by Redis's clock, <prefix>m:<minute> and <prefix>h:<hour>,
  so pools on hosts whose clocks disagree count into the same minute.
]]
--- @include release-count
local poolId = ARGV[1]
local missing = 0
local a = 5
local minuteKey, hourKey
if ARGV[2] ~= '' then
  local now = tonumber(redis.call('TIME')[1])
  minuteKey = ARGV[2] .. 'm:' .. (now - now % 60)
  hourKey = ARGV[2] .. 'h:' .. (now - now % 3600)
end
local rescues = redis.call('EXISTS', KEYS[5]) == 1
local function finished(bytes)
  if rescues then redis.call('HDEL', KEYS[5], redis.sha1hex(bytes)) end
end

for k = 6, #KEYS, 3 do
  local inProgress, lock, lockInfo = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local name, okCount, failedCount = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local done, failed = 0, 0
  for _ = 1, okCount do
    if redis.call('LREM', inProgress, -1, ARGV[a]) == 1 then
      done = done + 1
      finished(ARGV[a])
    else
      missing = missing + 1
    end
    a = a + 1
  end
  for _ = 1, failedCount do
    local outcome = ARGV[a + 1]
    if redis.call('LREM', inProgress, -1, ARGV[a]) == 1 then
      done = done + 1
      failed = failed + 1
      finished(ARGV[a])
      if outcome == 'retry' then
        redis.call('ZADD', KEYS[1], ARGV[a + 2], ARGV[a + 3])
      elseif outcome == 'dead' then
        redis.call('ZADD', KEYS[2], ARGV[a + 2], ARGV[a + 3])
      end
    else
      missing = missing + 1
    end
    a = a + 4
  end
  local metricCount = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, metricCount do
    if minuteKey then
      redis.call('HINCRBY', minuteKey, ARGV[a], ARGV[a + 1])
      redis.call('HINCRBY', hourKey, ARGV[a], ARGV[a + 1])
    end
    a = a + 2
  end
  if done > 0 then
    lowerCount(lock, done)
    lowerShare(lockInfo, poolId, done)
    redis.call('HINCRBY', KEYS[3], name, done)
    if failed > 0 then
      redis.call('HINCRBY', KEYS[4], name, failed)
    end
  end
end

if minuteKey then
  redis.call('EXPIRE', minuteKey, ARGV[3])
  redis.call('EXPIRE', hourKey, ARGV[4])
end
return missing
