#!lua flags=allow-oom
--[[
  Take up to N jobs for one pool in a single call (gocraft takes one per call).

  KEYS[1]     rescues hash (work only: sha1 of a job's bytes -> times rescued)
  KEYS[2…]    six per job type, in the pool's registration order:
    queue, this pool's in-progress list, paused, lock, lock_info, max_concurrency
  ARGV[1]     pool id (lock_info field)
  ARGV[2]     N, the number of jobs wanted (free worker slots)
  ARGV[3]     where the pool's walk through its priorities stands, in [0, 1)
  ARGV[4…]    one priority per job type, in the order of the keys

  Output: flat array {typeNumber, jobBytes, rescues, typeNumber, …}, three
  per job; empty when nothing is eligible. `rescues` is how often reapers
  have put the job back after its pool died while running it (0 unless the
  rescues hash lists it), so the pool can refuse a job that keeps killing
  its workers.

  Each job's type is chosen among the types still eligible in proportion to
  its priority, as gocraft's random draw does, forgetting types as they turn
  out ineligible (the same point then falls among the rest). The point in
  [0, 1) is not random: the k-th job of the call takes position + k × 0.618…
  (mod 1), the golden-ratio sequence, which covers [0, 1) about as evenly as
  any sequence can. Types of equal priority therefore take turns, and over
  any stretch of jobs each type's share stays within a few jobs of its
  priority's share, where independent random draws stray by the square root
  of the count (100 equal queues, 50,000 jobs: a CV of 4.5 %). The caller
  carries the position from call to call (calls/fetch-jobs.ts), so a pool's
  successive calls continue one walk; pools start at random positions.

  A type is eligible when its queue is non-empty, the paused key does not
  exist, and (no cap, or cap <= 0, or lock < cap), checked in that order as
  gocraft does. State is read once per type and then tracked locally, so a
  batch costs one LLEN per type (and for a non-empty queue an EXISTS and a
  GET or two), not per job: within a call it only gets
  worse. The lock and lock_info increments are applied once per type at the
  end.
]]
local poolId = ARGV[1]
local wanted = tonumber(ARGV[2])
local typeCount = (#KEYS - 1) / 6
local position = tonumber(ARGV[3]) or 0
if not (position >= 0 and position < 1) then position = 0 end
-- Nothing was ever rescued (the usual case): no hashing at all.
local rescues = redis.call('EXISTS', KEYS[1]) == 1

local state = {}
local function load(i)
  local s = state[i]
  if s then return s end
  local base = 1 + (i - 1) * 6
  s = { taken = 0, cap = 0 }
  s.len = redis.call('LLEN', KEYS[base + 1])
  -- An empty queue is ineligible whatever its pause or cap: one read, not
  -- two (most of a pool's queues are empty most of the time).
  if s.len > 0 then
    s.paused = redis.call('EXISTS', KEYS[base + 3]) == 1
    s.cap = tonumber(redis.call('GET', KEYS[base + 6])) or 0
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

-- Types not yet found ineligible, and the sum of their priorities.
local candidates, weights, total = {}, {}, 0
for i = 1, typeCount do
  candidates[i] = i
  weights[i] = tonumber(ARGV[3 + i]) or 1
  total = total + weights[i]
end
local function forget(j)
  total = total - weights[candidates[j]]
  candidates[j] = candidates[#candidates]
  candidates[#candidates] = nil
end

local out = {}
local taken = 0
local point = nil
while taken < wanted and #candidates > 0 do
  if not point then
    position = position + 0.6180339887498949
    if position >= 1 then position = position - 1 end
    point = position
  end
  local target = point * total
  local j = #candidates
  for k = 1, #candidates do
    target = target - weights[candidates[k]]
    if target < 0 then
      j = k
      break
    end
  end
  local i = candidates[j]
  local s = load(i)
  local job = false
  if eligible(s) then
    local base = 1 + (i - 1) * 6
    job = redis.call('RPOPLPUSH', KEYS[base + 1], KEYS[base + 2])
  end
  if job then
    s.len = s.len - 1
    s.taken = s.taken + 1
    taken = taken + 1
    out[#out + 1] = i
    out[#out + 1] = job
    out[#out + 1] = rescues and tonumber(redis.call('HGET', KEYS[1], redis.sha1hex(job))) or 0
    point = nil
  else
    forget(j)
  end
end

for i, s in pairs(state) do
  if s.taken > 0 then
    local base = 1 + (i - 1) * 6
    redis.call('INCRBY', KEYS[base + 4], s.taken)
    redis.call('HINCRBY', KEYS[base + 5], poolId, s.taken)
  end
end

return out
