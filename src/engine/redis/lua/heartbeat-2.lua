#!lua flags=allow-oom
--[[
  Register a pool and write its heartbeat, stamped with Redis's clock.

  KEYS[1]  worker_pools set
  KEYS[2]  the pool's heartbeat hash
  ARGV[1]  pool id
  ARGV[2…] field, value pairs of the heartbeat hash other than heartbeat_at
           (started_at, job_names, concurrency, worker_ids, host, pid)

  Output: {1 if the pool was not in worker_pools, heartbeat_at written}.

  heartbeat_at is the time Redis applies the beat, not the time the pool
  sent it: a beat held up on the way (a partition that heals, a paused
  Redis) lands fresh instead of already stale, so the pool it revives is
  not reaped again before its next beat. Reapers of work judge with Redis's
  clock too, so hosts whose clocks disagree judge alike. Flagged allow-oom:
  a pool must keep beating while producers have filled Redis.
]]
local now = redis.call('TIME')[1]
local added = redis.call('SADD', KEYS[1], ARGV[1])
local fields = { 'heartbeat_at', now }
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
return { added, tonumber(now) }
