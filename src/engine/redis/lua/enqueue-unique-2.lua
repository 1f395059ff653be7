--[[
  Enqueue a job unless an equal one is already queued or scheduled.

  KEYS[1]  queue list, or the scheduled zset for enqueue-in
  KEYS[2]  unique marker key
  ARGV[1]  job bytes
  ARGV[2]  marker value: "1", or the job bytes for unique-by-key
  ARGV[3]  run-at score for the scheduled zset, or "" to push onto the queue
  ARGV[4]  marker TTL in seconds (gocraft: 86400)
  ARGV[5]  wake channel (work only)
  ARGV[6]  job name

  Output: "ok" when enqueued, "dup" when refused.

  On a duplicate the marker is overwritten and its TTL restarted, as gocraft
  master does: for unique-by-key the queued job then runs with the latest args.
]]
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', ARGV[4]) then
  if ARGV[3] == '' then
    if redis.call('LPUSH', KEYS[1], ARGV[1]) == 1 then
      redis.call('PUBLISH', ARGV[5], ARGV[6])
    end
  else
    redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  end
  return 'ok'
end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[4])
return 'dup'
