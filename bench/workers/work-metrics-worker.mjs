// A `work` worker process for the metrics-cost scenario: one pool of no-op
// jobs with the metrics of one variant, timed from "go" to the last job.
// Usage: work-metrics-worker.mjs <redis-url> <namespace> <jobs> <concurrency> <off|durable|prometheus>
//   off         no durable counters (the pool option metrics: false)
//   durable     the durable counters in Redis (the default)
//   prometheus  durable counters, and the pool's Prometheus collector with
//               prom-client's process metrics, served on a free port (its
//               URL is on the "ready" line, for the parent to scrape)
import { Client, WorkerPool } from '../../dist/index.js';
import { serveMetrics } from '../../dist/metrics/http.js';
import { poolMetrics } from '../../dist/metrics/pool-metrics.js';
import { onCommand, queueNames } from '../lib.mjs';

const [url, namespace, total, concurrency, variant] = process.argv.slice(2);
const expected = Number(total);
let done = 0;
let startedAt = 0;
let cpuAtStart;

const pool = new WorkerPool({ redis: url, namespace, concurrency: Number(concurrency), metrics: variant !== 'off' });
for (const name of queueNames(5)) {
  pool.job(name, () => {
    if (++done === expected) finish();
  });
}
let served;
if (variant === 'prometheus') {
  const metrics = poolMetrics({ pool, client: new Client({ redis: url, namespace }), namespace });
  await metrics.start();
  served = await serveMetrics(metrics.registry, { host: '127.0.0.1', port: 0 });
}

async function finish() {
  const ms = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuAtStart);
  process.stdout.write(`${JSON.stringify({ ms, jobs: done, cpuUs: cpu.user + cpu.system })}\n`);
  await pool.stop({ graceMs: 1000 });
  process.exit(0);
}

onCommand(async (command) => {
  if (command === 'go') {
    startedAt = performance.now();
    cpuAtStart = process.cpuUsage();
    await pool.start();
  }
});
process.stdout.write(`${JSON.stringify({ ready: true, url: served?.url })}\n`);
