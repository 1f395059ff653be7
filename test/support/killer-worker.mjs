// A worker process whose handler ends the process (process.exit) for jobs
// with args {kill: true}, as a buggy or hostile handler might, and prints
// "done <id>" for every other job. Concurrency 1, so a kill never takes an
// ordinary job down with it.
// Usage: node killer-worker.mjs <redis-url> <namespace>
import { WorkerPool } from '../../dist/index.js';

const [url, namespace] = process.argv.slice(2);
const pool = new WorkerPool({ redis: url, namespace, concurrency: 1, heartbeatIntervalMs: 500 });
pool.job('crashy', (job) => {
  if (job.args?.kill) {
    process.stdout.write(`killed ${job.id}\n`);
    process.exit(1);
  }
  process.stdout.write(`done ${job.id}\n`);
});
pool.on('error', ({ op, error }) => process.stderr.write(`${op}: ${error}\n`));
await pool.start();
process.stdout.write(`ready ${pool.id}\n`);
