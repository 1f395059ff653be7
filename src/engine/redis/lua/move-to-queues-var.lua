--[[
  Move members of a zset (scheduled, retry or dead) onto their queues.

  KEYS[1]  source zset
  KEYS[2]  known_jobs set
  KEYS[3…] one queue per item
  ARGV[1]  wake channel (work only)
  ARGV[2…] three per item: member as it is in the zset, bytes to push, job name

  Output: number of items moved.

  The caller reads the due members and rewrites them (new "t", failure fields
  cleared) without re-encoding the args, so nothing is lost to cjson as in
  gocraft. ZREM decides ownership: when two pools race for the same member,
  only the one whose ZREM removed it pushes it.

  A queue key holding another type (job "x:paused" meets x's pause flag)
  would make LPUSH fail after the ZREM, and Redis does not undo the ZREM, so
  the job would be lost: such members are left where they are instead.
]]
local moved = 0
for i = 3, #KEYS do
  local a = 2 + (i - 3) * 3
  local kind = redis.call('TYPE', KEYS[i])['ok']
  if (kind == 'list' or kind == 'none') and redis.call('ZREM', KEYS[1], ARGV[a]) == 1 then
    redis.call('LPUSH', KEYS[i], ARGV[a + 1])
    redis.call('SADD', KEYS[2], ARGV[a + 2])
    moved = moved + 1
  end
end
if moved > 0 then
  redis.call('PUBLISH', ARGV[1], '*')
end
return moved
