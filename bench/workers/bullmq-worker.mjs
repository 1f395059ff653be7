// A BullMQ worker process for the benchmarks: one Worker per queue.
// Usage: bullmq-worker.mjs <redis-url> <prefix> <throughput|latency> <jobs> <concurrency>
import { Worker } from 'bullmq';
import { onCommand, QUEUES, rssSampler, summarizeLatencies } from '../lib.mjs';

const [url, prefix, mode, total, concurrency] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
const expected = Number(total);
const rss = rssSampler();
const latencies = [];
let done = 0;
let started = 0;

const workers = QUEUES.map(
  (name) =>
    new Worker(
      name,
      async (job) => {
        if (mode === 'latency') latencies.push(Date.now() - job.data.t);
        if (++done === expected && mode === 'throughput') void finish();
      },
      { connection, prefix, concurrency: Number(concurrency), autorun: false },
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
    process.stdout.write(`${JSON.stringify({ ...summarizeLatencies(latencies), rssPeak: rss.peak() })}\n`);
    latencies.length = 0;
  } else if (command === 'exit') {
    await Promise.all(workers.map((w) => w.close(true)));
    process.exit(0);
  }
});
await Promise.all(workers.map((w) => w.waitUntilReady()));
process.stdout.write('ready\n');
