#!lua flags=allow-oom
--[[
  Keep MaxConcurrency lock counts honest (gocraft issue 192: a count left too
  high freezes the queue forever).

  KEYS[1]  worker_pools set
  KEYS[2…] two per job name: lock, lock_info
  Output:  flat array {lock_info key, pool id, …} of non-zero shares held by
           pools that are not registered: the caller treats those pools as
           dead once it has seen them twice (a Go pool takes jobs a moment
           before its first heartbeat).

  lock_info is the per-pool truth; lock must equal the sum of its shares.
  Negative shares become 0, zero shares of unregistered pools (left by every
  clean stop) are removed, and lock is set to the sum when it drifted.
]]
local orphans = {}
for k = 2, #KEYS, 2 do
  local lock, lockInfo = KEYS[k], KEYS[k + 1]
  local fields = redis.call('HGETALL', lockInfo)
  local sum = 0
  for f = 1, #fields, 2 do
    local pool, held = fields[f], tonumber(fields[f + 1]) or 0
    local live = redis.call('SISMEMBER', KEYS[1], pool) == 1
    if held < 0 then
      redis.call('HSET', lockInfo, pool, 0)
      held = 0
    end
    if held == 0 and not live then
      redis.call('HDEL', lockInfo, pool)
    elseif held > 0 then
      sum = sum + held
      if not live then
        orphans[#orphans + 1] = lockInfo
        orphans[#orphans + 1] = pool
      end
    end
  end
  local current = tonumber(redis.call('GET', lock))
  if current ~= nil and current ~= sum then
    redis.call('SET', lock, sum)
  end
end
return orphans
