--[[
  Take up to N jobs for one pool in a single call (gocraft takes one per call).

  KEYS: six per job type, in the pool's registration order:
    queue, this pool's in-progress list, paused, lock, lock_info, max_concurrency
  ARGV[1]  pool id (lock_info field)
  ARGV[2]  N, the number of jobs wanted (free worker slots)
  ARGV[3]  N orders, one per slot, separated by ';': each a permutation of
           the type numbers 1..T joined by ',', e.g. "2,1,3;1,2,3" (the
           weighted priority sample for that slot, drawn by the caller)

  Output: flat array {typeNumber, jobBytes, typeNumber, jobBytes, …}; empty
  when nothing is eligible.

  A type is eligible when its queue is non-empty, the paused key does not
  exist, and (no cap, or cap <= 0, or lock < cap), checked in that order as
  gocraft does. State is read once per type and then tracked locally, so a
  batch costs one LLEN/GET per type, not per job. The lock and lock_info
  increments are applied once per type at the end.
]]
local poolId = ARGV[1]
local wanted = tonumber(ARGV[2])
local typeCount = #KEYS / 6

local state = {}
local function load(i)
  local s = state[i]
  if s then return s end
  local base = (i - 1) * 6
  s = { taken = 0 }
  s.cap = tonumber(redis.call('GET', KEYS[base + 6])) or 0
  s.len = redis.call('LLEN', KEYS[base + 1])
  if s.len > 0 then
    s.paused = redis.call('EXISTS', KEYS[base + 3]) == 1
    if s.cap > 0 then
      s.lock = tonumber(redis.call('GET', KEYS[base + 4])) or 0
    else
      s.lock = 0
    end
  end
  state[i] = s
  return s
end

local function eligible(s)
  if s.len <= 0 or s.paused then return false end
  return s.cap <= 0 or (s.lock + s.taken) < s.cap
end

local out = {}
local slot = 0
for order in string.gmatch(ARGV[3] or '', '[^;]+') do
  slot = slot + 1
  if slot > wanted then break end
  local found = false
  for word in string.gmatch(order, '[^,]+') do
    local i = tonumber(word)
    if i and i >= 1 and i <= typeCount then
      local s = load(i)
      if eligible(s) then
        local base = (i - 1) * 6
        local job = redis.call('RPOPLPUSH', KEYS[base + 1], KEYS[base + 2])
        if job then
          s.len = s.len - 1
          s.taken = s.taken + 1
          out[#out + 1] = i
          out[#out + 1] = job
          found = true
          break
        end
        s.len = 0
      end
    end
  end
  -- State only gets worse within a call: if no type was eligible now, none will be.
  if not found then break end
end

for i, s in pairs(state) do
  if s.taken > 0 then
    local base = (i - 1) * 6
    redis.call('INCRBY', KEYS[base + 4], s.taken)
    redis.call('HINCRBY', KEYS[base + 5], poolId, s.taken)
  end
end

return out
