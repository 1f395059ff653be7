#!lua flags=allow-oom
--[[
  Release uniqueness markers as jobs start: read and delete each in one step.

  KEYS     unique marker keys
  Output:  one value per key: the marker ("1" or a job's bytes), or "" when
           the marker was already gone.

  gocraft master does GET then DEL as two commands, so an update landing in
  between is lost; here both happen atomically.
]]
local out = {}
for i = 1, #KEYS do
  local value = redis.call('GET', KEYS[i])
  if value then
    redis.call('DEL', KEYS[i])
    out[i] = value
  else
    out[i] = ''
  end
end
return out
