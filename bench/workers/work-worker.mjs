// A `work` worker process for the benchmarks.
// Usage: work-worker.mjs <redis-url> <namespace> <throughput|latency> <jobs> <concurrency>
import { WorkerPool } from '../../dist/index.js';
import { onCommand, QUEUES, rssSampler, summarizeLatencies } from '../lib.mjs';

const [url, namespace, mode, total, concurrency] = process.argv.slice(2);
const expected = Number(total);
const rss = rssSampler();
const latencies = [];
let done = 0;
let started = 0;

const pool = new WorkerPool({ redis: url, namespace, concurrency: Number(concurrency) });
for (const name of QUEUES) {
  pool.job(name, (job) => {
    if (mode === 'latency') latencies.push(Date.now() - job.args.t);
    if (++done === expected && mode === 'throughput') finish();
  });
}

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
    process.stdout.write(`${JSON.stringify({ ...summarizeLatencies(latencies), rssPeak: rss.peak() })}\n`);
    latencies.length = 0;
  } else if (command === 'exit') {
    await pool.stop({ graceMs: 1000 });
    process.exit(0);
  }
});
process.stdout.write('ready\n');
