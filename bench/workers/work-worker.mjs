// A `work` worker process for the benchmarks: one pool serving every queue.
// Usage: work-worker.mjs <redis-url> <namespace> <throughput|latency|count> <jobs> <concurrency> [options JSON]
// (options: see workerOptions in ../lib.mjs; `split` changes nothing here,
// since one pool's concurrency is already shared by all its queues).
import { WorkerPool } from '../../dist/index.js';
import { jobTally, onCommand, queueNames, rssSampler, summarizeLatencies, wallClockMs, workerOptions } from '../lib.mjs';

const [url, namespace, mode, total, concurrency, optionsJson] = process.argv.slice(2);
const options = workerOptions(optionsJson);
const expected = Number(total);
const rss = rssSampler();
const tally = jobTally(options.queues, options.snapshotAt);
const latencies = [];
let done = 0;
let started = 0;

const pool = new WorkerPool({ redis: url, namespace, concurrency: Number(concurrency) });
queueNames(options.queues).forEach((name, q) => {
  pool.job(name, (job) => {
    if (mode === 'count') tally.count(q);
    else if (mode === 'latency') latencies.push(wallClockMs() - job.args.t);
    if (++done === expected && mode === 'throughput') finish();
  });
});

async function finish() {
  const ms = performance.now() - started;
  rss.stop();
  process.stdout.write(`${JSON.stringify({ ms, jobs: done, rssPeak: rss.peak() })}\n`);
  await pool.stop({ graceMs: 1000 });
  process.exit(0);
}

onCommand(async (command) => {
  if (command === 'go') {
    started = performance.now();
    await pool.start();
  } else if (command === 'report') {
    const report = mode === 'count' ? tally.report() : summarizeLatencies(latencies);
    process.stdout.write(`${JSON.stringify({ ...report, rssPeak: rss.peak() })}\n`);
    latencies.length = 0;
  } else if (command === 'exit') {
    await pool.stop({ graceMs: 1000 });
    process.exit(0);
  }
});
process.stdout.write('ready\n');
