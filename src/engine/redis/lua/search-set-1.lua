--[[
  Look through one slice of a sorted set (scheduled, retry, dead) for members
  holding some texts, in Redis, so a search of millions of jobs sends back
  only what may match and no call runs long.

  KEYS[1]  the sorted set
  ARGV[1]  rank to start at when there is no anchor, or it is gone
  ARGV[2]  number of members in the slice
  ARGV[3]  the anchor: the last member of the slice before ('' for none).
           The slice starts right after it, wherever it is now, so members
           removed ahead of it (a retry elsewhere) shift nothing.
  ARGV[4…] the texts, ASCII letters in lower case. A member is sent back
           when it holds every one of them, ignoring the case of ASCII
           letters, or when it holds a \u escape (the text may be written
           that way inside it; the caller decodes and decides).

  Output: {size of the set, rank the slice started at, members in the slice,
  its last member (or false), member, score, member, score, …} for the
  members sent back.

  Read-only and O(log n + slice).
]]
local count = tonumber(ARGV[2])
local start = tonumber(ARGV[1])
if ARGV[3] ~= '' then
  local rank = redis.call('ZRANK', KEYS[1], ARGV[3])
  if rank then
    start = rank + 1
  end
end
local slice = redis.call('ZRANGE', KEYS[1], start, start + count - 1, 'WITHSCORES')
local n = #slice / 2
local out = { redis.call('ZCARD', KEYS[1]), start, n, false }
if n > 0 then
  out[4] = slice[#slice - 1]
end
for i = 1, #slice, 2 do
  local member = slice[i]
  local keep = true
  if #ARGV > 3 and not string.find(member, '\\u', 1, true) then
    local folded = string.lower(member)
    for k = 4, #ARGV do
      if not string.find(folded, ARGV[k], 1, true) then
        keep = false
        break
      end
    end
  end
  if keep then
    out[#out + 1] = member
    out[#out + 1] = slice[i + 1]
  end
end
return out
