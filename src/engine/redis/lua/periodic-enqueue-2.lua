--[[
  Schedule upcoming occurrences of periodic jobs.

  KEYS[1]  scheduled zset
  KEYS[2]  last_periodic_enqueue
  ARGV[1]  now (epoch seconds, the caller's clock)
  ARGV[2…] pairs: score (occurrence epoch seconds), member bytes

  Output: number of members added.

  Members are deterministic, so several pools adding the same occurrence add
  it once. An occurrence already due by the server's clock is skipped: the
  requeuer may have moved it to its queue already, and adding it again would
  run it twice (gocraft's periodic/requeuer race).
]]
local serverNow = tonumber(redis.call('TIME')[1])
local added = 0
for i = 2, #ARGV, 2 do
  local score = tonumber(ARGV[i])
  if score > serverNow then
    added = added + redis.call('ZADD', KEYS[1], 'NX', score, ARGV[i + 1])
  end
end
redis.call('SET', KEYS[2], ARGV[1])
return added
