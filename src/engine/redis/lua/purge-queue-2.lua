--[[
  Empty a queue in one step: its list is renamed out of the way, so producers
  and pools see an empty queue at once, and the caller then releases the
  uniqueness markers of the purged jobs and frees the list in the background.

  KEYS[1]  the queue
  KEYS[2]  where its jobs go until the caller is done with them (work only)

  Output: the number of jobs purged (0 when the queue was empty).
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('TYPE', KEYS[1])['ok'] ~= 'list' then
  return redis.error_reply('WRONGTYPE the queue key does not hold a list')
end
local n = redis.call('LLEN', KEYS[1])
redis.call('RENAME', KEYS[1], KEYS[2])
return n
