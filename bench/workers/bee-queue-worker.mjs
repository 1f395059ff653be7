// A bee-queue worker process for the benchmarks: one Queue object per queue,
// each processing with its own concurrency (bee-queue has no other kind).
// Usage: bee-queue-worker.mjs <redis-url> <prefix> <throughput|latency|count> <jobs> <concurrency> [options JSON]
// (options: see workerOptions in ../lib.mjs).
import BeeQueue from 'bee-queue';
import { BEE_QUEUE_SETTINGS } from '../libraries.mjs';
import { jobTally, onCommand, queueNames, rssSampler, splitSlots, summarizeLatencies, wallClockMs, workerOptions } from '../lib.mjs';

const [url, prefix, mode, total, concurrency, optionsJson] = process.argv.slice(2);
const options = workerOptions(optionsJson);
const { hostname, port } = new URL(url);
const expected = Number(total);
const rss = rssSampler();
const tally = jobTally(options.queues, options.snapshotAt);
const names = queueNames(options.queues);
const slots = options.split ? splitSlots(Number(concurrency), names.length) : names.map(() => Number(concurrency));
const latencies = [];
let done = 0;
let started = 0;

const settings = { ...BEE_QUEUE_SETTINGS, prefix, isWorker: true, redis: { host: hostname, port: Number(port) } };
const queues = names.map((name) => new BeeQueue(name, settings));

const closeAll = () => Promise.all(queues.map((queue) => queue.close(1000)));

async function finish() {
  const ms = performance.now() - started;
  rss.stop();
  process.stdout.write(`${JSON.stringify({ ms, jobs: done, rssPeak: rss.peak() })}\n`);
  await closeAll();
  process.exit(0);
}

onCommand(async (command) => {
  if (command === 'go') {
    started = performance.now();
    queues.forEach((queue, q) => {
      queue.process(slots[q], async (job) => {
        if (mode === 'count') tally.count(q);
        else if (mode === 'latency') latencies.push(wallClockMs() - job.data.t);
        if (++done === expected && mode === 'throughput') void finish();
      });
    });
  } else if (command === 'report') {
    const report = mode === 'count' ? tally.report() : summarizeLatencies(latencies);
    process.stdout.write(`${JSON.stringify({ ...report, rssPeak: rss.peak() })}\n`);
    latencies.length = 0;
  } else if (command === 'exit') {
    await closeAll();
    process.exit(0);
  }
});
await Promise.all(queues.map((queue) => queue.ready()));
process.stdout.write('ready\n');
