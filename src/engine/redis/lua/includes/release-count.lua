-- Counts a pool gives back when jobs leave it: the namespace-wide lock of a
-- job name and the pool's share of it in lock_info. Neither goes below zero:
-- a count already lowered by a reaper (the pool was judged dead meanwhile)
-- must not drift negative, which would let a capped queue run too many jobs.

-- Lower a counter key by n, flooring it at zero.
local function lowerCount(key, n)
  if redis.call('DECRBY', key, n) < 0 then
    redis.call('SET', key, 0)
  end
end

-- Lower a pool's share in a lock_info hash by n, flooring it at zero.
local function lowerShare(lockInfo, poolId, n)
  if redis.call('HINCRBY', lockInfo, poolId, -n) < 0 then
    redis.call('HSET', lockInfo, poolId, 0)
  end
end
