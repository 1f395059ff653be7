// A separate Redis client in its own process: PINGs every 10 ms and, on a
// "report" line on stdin, prints one JSON line and exits:
//   { pings, worstMs, worstBlockedMs, scheduler }
// worstMs is the slowest round trip as measured. On a loaded machine a PING
// can also be slow because the CPU was busy elsewhere: this process, or
// redis-server itself, stood runnable on a run queue instead of running.
// Linux counts that time per task (/proc/PID/schedstat, second field, ns);
// worstBlockedMs is the slowest round trip less the longer of the two waits
// meanwhile. That is an upper bound on how long Redis kept the PING waiting
// while both could run, i.e. how long a command of someone else's held
// Redis. Without /proc (`scheduler: false`) it is the round trip itself.
// Usage: node ping-probe.mjs <redis-url>  (Redis on this machine, for its pid)
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';

const redis = new Redis(process.argv[2], { maxRetriesPerRequest: 1 });
const pid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];

/** Nanoseconds the task has waited on a run queue so far, or undefined without /proc. */
function runQueueWait(task) {
  try {
    return Number(readFileSync(`/proc/${task}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return undefined;
  }
}
const scheduler = pid !== undefined && runQueueWait(pid) !== undefined && runQueueWait('self') !== undefined;
const waits = () => (scheduler ? [runQueueWait('self') ?? 0, runQueueWait(pid) ?? 0] : [0, 0]);

const stats = { pings: 0, worstMs: 0, worstBlockedMs: 0, scheduler };
let running = true;
const loop = (async () => {
  while (running) {
    const [selfBefore, redisBefore] = waits();
    const started = performance.now();
    await redis.ping();
    const rtt = performance.now() - started;
    const [selfAfter, redisAfter] = waits();
    const waitedMs = Math.max(selfAfter - selfBefore, redisAfter - redisBefore) / 1e6;
    stats.pings += 1;
    stats.worstMs = Math.max(stats.worstMs, rtt);
    stats.worstBlockedMs = Math.max(stats.worstBlockedMs, Math.max(0, rtt - waitedMs));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
})();

createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.trim() !== 'report') return;
  running = false;
  await loop;
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  redis.disconnect();
  process.exit(0);
});
process.stdout.write('ready\n');
