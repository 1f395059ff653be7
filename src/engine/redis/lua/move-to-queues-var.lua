#!lua flags=allow-oom
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

  Batches usually hold many jobs of few names, so each queue's type is read
  once, each name added once, and each queue gets one LPUSH per 500 jobs,
  in item order (the same list as one LPUSH per job).
]]
local usable = {} -- queue key -> whether it can take an LPUSH
local pending = {} -- queue key -> bytes to push, in item order
local order = {} -- queue keys in the order first pushed to
local names = {}
local moved = 0

local function flush(queue)
  local list = pending[queue]
  for first = 1, #list, 500 do
    redis.call('LPUSH', queue, unpack(list, first, math.min(first + 499, #list)))
  end
end

for i = 3, #KEYS do
  local queue = KEYS[i]
  local a = 2 + (i - 3) * 3
  local ok = usable[queue]
  if ok == nil then
    local kind = redis.call('TYPE', queue)['ok']
    ok = kind == 'list' or kind == 'none'
    usable[queue] = ok
  end
  if ok and redis.call('ZREM', KEYS[1], ARGV[a]) == 1 then
    local list = pending[queue]
    if list == nil then
      list = {}
      pending[queue] = list
      order[#order + 1] = queue
    end
    list[#list + 1] = ARGV[a + 1]
    names[ARGV[a + 2]] = true
    moved = moved + 1
  end
end
for _, queue in ipairs(order) do
  flush(queue)
end
for name in pairs(names) do
  redis.call('SADD', KEYS[2], name)
end
if moved > 0 then
  redis.call('PUBLISH', ARGV[1], '*')
end
return moved
