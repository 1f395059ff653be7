// A worker process for crash tests: runs a pool whose handler reports each
// job it starts on stdout ("started <id>") and then never finishes, so the
// test can kill the process with jobs in flight.
// Usage: node blocking-worker.mjs <redis-url> <namespace> <concurrency>
import { WorkerPool } from '../../dist/index.js';

const [url, namespace, concurrency] = process.argv.slice(2);
const pool = new WorkerPool({ redis: url, namespace, concurrency: Number(concurrency), heartbeatIntervalMs: 500 });
pool.job('crashy', (job) => {
  process.stdout.write(`started ${job.id}\n`);
  return new Promise(() => {});
});
pool.on('error', ({ op, error }) => process.stderr.write(`${op}: ${error}\n`));
await pool.start();
process.stdout.write(`ready ${pool.id}\n`);
