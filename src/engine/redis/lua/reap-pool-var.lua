#!lua flags=allow-oom
--[[
  Rescue the jobs of a pool judged dead (its heartbeat grew old, or its
  presence subscription and pulse stopped), and forget the pool.

  KEYS[1]  worker_pools set
  KEYS[2]  the dead pool's heartbeat hash
  KEYS[3]  rescues hash (work only: sha1 of a job's bytes -> times rescued)
  KEYS[4…] four per job name: the dead pool's in-progress list, queue, lock, lock_info
  ARGV[1]  dead pool id
  ARGV[2]  heartbeat_at the caller judged stale, or "" if the hash was missing
  ARGV[3]  wake channel (work only)
  ARGV[4]  seconds the rescues hash is kept after the last rescue

  Output: number of jobs requeued, or -1 when the pool beat again since it was
  judged dead (then nothing is touched).

  Rescued jobs go to the consuming end of their queue, oldest first: they have
  waited longest (gocraft puts them behind everything queued). The lock count
  is reduced by exactly the dead pool's lock_info share, which is what it held.
  Each rescue is counted by the job's bytes (they do not change on the way
  back): a job that kills every worker that runs it would otherwise be run
  forever. The pool that fetches it next refuses it past its bound.
]]
--- @include release-count
local poolId = ARGV[1]
local beat = redis.call('HGET', KEYS[2], 'heartbeat_at')
if (beat or '') ~= ARGV[2] then
  return -1
end

local moved = 0
for k = 4, #KEYS, 4 do
  local inProgress, queue, lock, lockInfo = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  while true do
    local job = redis.call('LPOP', inProgress)
    if not job then break end
    redis.call('RPUSH', queue, job)
    redis.call('HINCRBY', KEYS[3], redis.sha1hex(job), 1)
    moved = moved + 1
  end
  local held = tonumber(redis.call('HGET', lockInfo, poolId))
  if held then
    if held > 0 then
      lowerCount(lock, held)
    end
    redis.call('HDEL', lockInfo, poolId)
  end
end

redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[1], poolId)
if moved > 0 then
  redis.call('EXPIRE', KEYS[3], ARGV[4])
  redis.call('PUBLISH', ARGV[3], '*')
end
return moved
