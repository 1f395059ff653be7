// What the new scenarios share: Redis's own cost counters, and a backlog
// worked off by one or more worker processes of one library.
import { splitSlots, startWorkerProcess } from '../lib.mjs';

/** Redis's CPU time (user + system, seconds) and bytes received so far, from INFO. */
export async function redisCounters(admin) {
  const [cpu, stats] = await Promise.all([admin.info('cpu'), admin.info('stats')]);
  const field = (text, name) => {
    const match = new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text);
    if (!match) throw new Error(`INFO has no ${name}`);
    return Number(match[1]);
  };
  return { cpuSeconds: field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys'), inputBytes: field(stats, 'total_net_input_bytes') };
}

/** Redis's cost between two redisCounters() readings, per job. */
export function redisCostPerJob(before, after, jobs) {
  return {
    redisCpuUs: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / jobs,
    inputBytes: (after.inputBytes - before.inputBytes) / jobs,
  };
}

const POLL_MS = 20;
const GIVE_UP_MS = 600_000;

/**
 * Starts `processes` worker processes of `lib` in "count" mode, `slots` in
 * all, split as evenly as whole numbers allow between the processes and, for
 * libraries with one consumer per queue, between each process's queues.
 * Sends "go" to all at once and polls them until together they have finished
 * `stopAt` jobs. The time is from "go" to the last job's end, on the wall
 * clock the processes share; Redis's cost is counted over the same span.
 *
 * With `warmUp`, the processes first work off that many jobs together and
 * the measure starts only then (the backlog must hold `warmUp` more jobs):
 * a fresh Node process runs its first thousands of jobs in unoptimised code
 * with a small young generation, and four processes pay that four times
 * within the same backlog. Long-running workers never see it.
 */
export async function workOff({ admin, url, lib, ns, processes = 1, slots, queues, stopAt, snapshotAt = 0, warmUp = 0 }) {
  const options = JSON.stringify({ queues, split: true, snapshotAt });
  const workers = splitSlots(slots, processes).map((share) => startWorkerProcess(`./workers/${lib}-worker.mjs`, [url, ns, 'count', '0', String(share), options]));
  await Promise.all(workers.map((w) => w.nextLine()));
  const reportAll = () =>
    Promise.all(
      workers.map((w) => {
        w.send('report');
        return w.nextLine().then(JSON.parse);
      }),
    );
  const doneBy = (reports) => reports.reduce((sum, r) => sum + r.done, 0);
  const pollUntil = async (count) => {
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const reports = await reportAll();
      if (doneBy(reports) >= count) return reports;
      if (Date.now() - goAt > GIVE_UP_MS) throw new Error(`${lib}: ${count} jobs not done in ${GIVE_UP_MS / 1000} s`);
    }
  };
  let base = await reportAll();
  let before = await redisCounters(admin);
  const goAt = Date.now();
  let start = goAt;
  for (const w of workers) w.send('go');
  if (warmUp > 0) {
    base = await pollUntil(warmUp);
    before = await redisCounters(admin);
    start = Math.max(...base.map((r) => r.lastAt));
  }
  // The warm-up overshoots by what finished before the poll saw it: the
  // measure ends when the backlog is worked off, not `stopAt` past the poll.
  const reports = await pollUntil(warmUp + stopAt);
  const after = await redisCounters(admin);
  for (const w of workers) w.send('exit');
  await Promise.all(workers.map((w) => w.exited));
  const doneEach = reports.map((r, i) => r.done - base[i].done);
  const done = doneEach.reduce((sum, d) => sum + d, 0);
  const seconds = (Math.max(...reports.map((r) => r.lastAt)) - start) / 1000;
  return {
    perSec: done / seconds,
    shares: doneEach.map((d) => d / done),
    snapshots: reports.map((r) => r.snapshot),
    rssPeakMiB: Math.max(...reports.map((r) => r.rssPeak)) / 2 ** 20,
    workerCpuUs: reports.reduce((sum, r, i) => sum + r.cpuUs - base[i].cpuUs, 0) / done,
    ...redisCostPerJob(before, after, done),
  };
}
