--[[
  Look through a slice of a list for elements holding a text, in Redis, so a
  search of a long queue sends back only what matches (elements may be large).

  KEYS[1]  the list
  ARGV[1]  first index of the slice (0 = the producing end, LPUSH side)
  ARGV[2]  number of elements in the slice
  ARGV[3]  the text to look for (plain, not a pattern)

  Output: {length of the list, index, element, index, element, …} for the
  elements of the slice that hold the text.

  Read-only and O(slice): the caller walks the list slice by slice, so no
  call runs long whatever the list's size.
]]
local first = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local out = { redis.call('LLEN', KEYS[1]) }
local slice = redis.call('LRANGE', KEYS[1], first, first + count - 1)
for i, element in ipairs(slice) do
  if string.find(element, ARGV[3], 1, true) then
    out[#out + 1] = first + i - 1
    out[#out + 1] = element
  end
end
return out
