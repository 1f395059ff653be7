#!lua flags=allow-oom
--[[
  Replace a job's bytes in this pool's in-progress list: a unique-by-key job
  runs as the job its marker held (the latest call's args), not as the
  placeholder that was popped.

  KEYS[1]  in-progress list
  ARGV[1]  bytes now listed (the popped placeholder)
  ARGV[2]  bytes of the job that runs instead

  Output: 1 when replaced; 0 when the placeholder was no longer listed (a
  reaper took it back meanwhile), and then nothing is added.

  The list then holds what actually runs, so a rescue (reaper or graceful
  stop) requeues the latest args and the acknowledgement removes exactly what
  is listed. gocraft acknowledges the marker's bytes while the placeholder
  stays listed, and a rescue later runs the old args (bug 16.1.1).
]]
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[1], ARGV[2])
  return 1
end
return 0
