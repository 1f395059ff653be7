--[[
  Delete one job waiting in a queue: one element holding exactly these bytes
  (LREM count 1, from the producing end), and, only when it was still there,
  the uniqueness marker it held.

  KEYS[1]  the queue
  KEYS[2]  optional: the job's uniqueness marker, for a unique job
  ARGV[1]  the job's bytes exactly as read

  Output: {removed, released}: removed is 1, or 0 when the job was no longer
  in the queue (a pool took it, or someone deleted it); released is 1 when
  the marker was deleted.

  Both happen in one step, so a marker is never freed for a job that a pool
  took meanwhile (it would let an equal job in while this one runs) nor left
  behind for a job that is gone (it would keep equal jobs out for a day).
  Only the queued job itself is touched: a job in progress is in its pool's
  in-progress list, never here.
]]
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
local released = 0
if removed == 1 and KEYS[2] ~= nil then
  released = redis.call('DEL', KEYS[2])
end
return { removed, released }
