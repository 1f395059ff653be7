--[[
  Push jobs onto one queue and wake idle pools if the queue was empty.

  KEYS[1]  queue list
  ARGV[1]  wake channel (work only)
  ARGV[2]  job name (the message)
  ARGV[3…] job bytes, oldest first

  Output: the queue length after the push.

  Publishing only on the empty -> non-empty edge keeps busy queues free of
  pub/sub traffic: pools with work in hand fetch again without being told.
]]
local count = #ARGV - 2
local length = redis.call('LPUSH', KEYS[1], unpack(ARGV, 3))
if length == count then
  redis.call('PUBLISH', ARGV[1], ARGV[2])
end
return length
