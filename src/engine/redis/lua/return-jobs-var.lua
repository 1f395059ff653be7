#!lua flags=allow-oom
--[[
  Give jobs this pool holds back to their queues (graceful stop past its grace
  period), so another pool runs them next.

  KEYS     four per job: in-progress list, queue, lock, lock_info
  ARGV[1]  pool id
  ARGV[2]  wake channel (work only)
  ARGV[3…] one per job: the popped bytes, newest first

  Output: number of jobs returned.

  A returned job goes to the consuming end of its queue (RPUSH): it has waited
  longest, so it runs first. Pushed newest first, the oldest ends up last,
  where the next fetch takes it.
]]
--- @include release-count
local poolId = ARGV[1]
local returned = 0
for j = 1, #KEYS / 4 do
  local k = (j - 1) * 4
  local bytes = ARGV[2 + j]
  if redis.call('LREM', KEYS[k + 1], 1, bytes) == 1 then
    redis.call('RPUSH', KEYS[k + 2], bytes)
    lowerCount(KEYS[k + 3], 1)
    lowerShare(KEYS[k + 4], poolId, 1)
    returned = returned + 1
  end
end
if returned > 0 then
  redis.call('PUBLISH', ARGV[2], '*')
end
return returned
