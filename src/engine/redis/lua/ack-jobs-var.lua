--[[
  Complete a batch of jobs this pool ran: remove each from its in-progress
  list, give back its lock count, count it, and file failures in retry or dead.

  KEYS[1]  retry zset
  KEYS[2]  dead zset
  KEYS[3]  processed counter hash (work only; field = job name)
  KEYS[4]  failed counter hash (work only; field = job name)
  KEYS[5…] three per job: in-progress list, lock, lock_info
  ARGV[1]  pool id
  ARGV[2…] five per job: popped bytes, job name, outcome, score, new bytes
           outcome: "ok" | "retry" | "dead" | "discard"
           score/new bytes: the retry-at or died-at time and the member to add
           (ignored for "ok" and "discard")

  Output: number of jobs that were no longer in the in-progress list.

  A job missing from in-progress was taken away meanwhile (a reaper judged
  this pool dead and requeued it, or a graceful stop returned it). Its lock
  count went with it and it will run again, so nothing more is done for it:
  no double DECR (gocraft's lock drift) and no duplicate in retry or dead.
  Counts never go below zero.
]]
local poolId = ARGV[1]
local missing = 0
local jobCount = (#KEYS - 4) / 3
-- Lock and counter changes are summed per job name and applied once each:
-- a batch is usually many jobs of a few names.
local released = {}

for j = 1, jobCount do
  local k = 4 + (j - 1) * 3
  local a = 1 + (j - 1) * 5
  local bytes, name, outcome = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  if redis.call('LREM', KEYS[k + 1], 1, bytes) == 1 then
    local r = released[name]
    if not r then
      r = { lock = KEYS[k + 2], lockInfo = KEYS[k + 3], done = 0, failed = 0 }
      released[name] = r
    end
    r.done = r.done + 1
    if outcome ~= 'ok' then
      r.failed = r.failed + 1
      if outcome == 'retry' then
        redis.call('ZADD', KEYS[1], ARGV[a + 4], ARGV[a + 5])
      elseif outcome == 'dead' then
        redis.call('ZADD', KEYS[2], ARGV[a + 4], ARGV[a + 5])
      end
    end
  else
    missing = missing + 1
  end
end

for name, r in pairs(released) do
  if redis.call('DECRBY', r.lock, r.done) < 0 then
    redis.call('SET', r.lock, 0)
  end
  if redis.call('HINCRBY', r.lockInfo, poolId, -r.done) < 0 then
    redis.call('HSET', r.lockInfo, poolId, 0)
  end
  redis.call('HINCRBY', KEYS[3], name, r.done)
  if r.failed > 0 then
    redis.call('HINCRBY', KEYS[4], name, r.failed)
  end
end

return missing
