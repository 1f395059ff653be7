// A worker process for crash tests: runs a pool whose handler reports each
// job it starts on stdout ("started <id>") and then never finishes, so the
// test can kill the process with jobs in flight.
// With a fourth argument "exit", the fifth job's handler ends the process
// with process.exit(1) instead, as a buggy handler might. With "hog", each
// handler blocks the event loop for 7 s (a CPU-bound handler), prints
// "finished <id>" and returns; the process stays up.
// Usage: node blocking-worker.mjs <redis-url> <namespace> <concurrency> [exit|hog]
import { WorkerPool } from '../../dist/index.js';

const [url, namespace, concurrency, mode] = process.argv.slice(2);
let started = 0;
const pool = new WorkerPool({ redis: url, namespace, concurrency: Number(concurrency), heartbeatIntervalMs: 500 });
pool.job('crashy', (job) => {
  process.stdout.write(`started ${job.id}\n`);
  if (mode === 'exit' && ++started === 5) setTimeout(() => process.exit(1), 50);
  if (mode === 'hog') {
    const until = Date.now() + 7000;
    while (Date.now() < until); // no heartbeat, no I/O: only the connections stay open
    process.stdout.write(`finished ${job.id}\n`);
    return undefined;
  }
  return new Promise(() => {});
});
pool.on('error', ({ op, error }) => process.stderr.write(`${op}: ${error}\n`));
await pool.start();
process.stdout.write(`ready ${pool.id}\n`);
