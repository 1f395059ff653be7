// A BullMQ worker process for the benchmarks: one Worker per queue.
// Usage: bullmq-worker.mjs <redis-url> <prefix> <throughput|latency|count> <jobs> <concurrency> [options JSON]
// (options: see workerOptions in ../lib.mjs).
import { Worker } from 'bullmq';
import { jobTally, onCommand, queueNames, rssSampler, splitSlots, summarizeLatencies, wallClockMs, workerOptions } from '../lib.mjs';

const [url, prefix, mode, total, concurrency, optionsJson] = process.argv.slice(2);
const options = workerOptions(optionsJson);
const { hostname, port } = new URL(url);
const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
const expected = Number(total);
const rss = rssSampler();
const tally = jobTally(options.queues, options.snapshotAt);
const names = queueNames(options.queues);
const slots = options.split ? splitSlots(Number(concurrency), names.length) : names.map(() => Number(concurrency));
const latencies = [];
let done = 0;
let started = 0;

const workers = names.map(
  (name, q) =>
    new Worker(
      name,
      async (job) => {
        if (mode === 'count') tally.count(q);
        else if (mode === 'latency') latencies.push(wallClockMs() - job.data.t);
        if (++done === expected && mode === 'throughput') void finish();
      },
      { connection, prefix, concurrency: slots[q], autorun: false },
    ),
);

async function finish() {
  const ms = performance.now() - started;
  rss.stop();
  process.stdout.write(`${JSON.stringify({ ms, jobs: done, rssPeak: rss.peak() })}\n`);
  await Promise.all(workers.map((w) => w.close(true)));
  process.exit(0);
}

onCommand(async (command) => {
  if (command === 'go') {
    started = performance.now();
    for (const w of workers) void w.run();
  } else if (command === 'report') {
    const report = mode === 'count' ? tally.report() : summarizeLatencies(latencies);
    process.stdout.write(`${JSON.stringify({ ...report, rssPeak: rss.peak() })}\n`);
    latencies.length = 0;
  } else if (command === 'exit') {
    await Promise.all(workers.map((w) => w.close(true)));
    process.exit(0);
  }
});
await Promise.all(workers.map((w) => w.waitUntilReady()));
process.stdout.write('ready\n');
