// A worker process for fault tests, run against the built dist/. Each
// handler that finishes records its run in Redis (HINCRBY <ns>:audit:runs
// <job id> 1, on a connection of its own) before it returns, and reports on
// stdout: "ready <pool id>" once started, "started <name> <id>" and
// "done <name> <id>" per job. Jobs:
//   work  waits args.ms (default 20) and records the run;
//   hog   holds the event loop for args.ms (no timers, no I/O), then records;
//   heap  allocates until the process runs out of heap (start it with
//         --max-old-space-size); it never records.
// Usage: node fault-worker.mjs <redis-url> <namespace> [pool options as JSON]
import { Redis } from 'ioredis';
import { WorkerPool } from '../../dist/index.js';

const [url, namespace, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}');
const ledger = new Redis(url, { maxRetriesPerRequest: null });
const runsKey = `${namespace}:audit:runs`;
const say = (line) => process.stdout.write(`${line}\n`);

const pool = new WorkerPool({ redis: url, namespace, ...options });
const record = async (job) => {
  await ledger.hincrby(runsKey, job.id, 1);
  say(`done ${job.name} ${job.id}`);
};
pool.use(async (job, next) => {
  say(`started ${job.name} ${job.id}`);
  await next();
});
pool.job('work', async (job) => {
  await new Promise((r) => setTimeout(r, Number(job.args.ms ?? 20)));
  await record(job);
});
pool.job('hog', async (job) => {
  const until = Date.now() + Number(job.args.ms ?? 1000);
  while (Date.now() < until); // a CPU-bound handler: nothing else runs meanwhile
  await record(job);
});
pool.job('heap', () => {
  const hoard = [];
  for (;;) hoard.push(new Array(100_000).fill({ n: hoard.length }));
});
pool.on('error', ({ op, error }) => process.stderr.write(`fault-worker ${op}: ${error instanceof Error ? error.message : String(error)}\n`));
await pool.start();
say(`ready ${pool.id}`);
process.once('SIGTERM', async () => {
  await pool.stop({ graceMs: 1000 });
  ledger.disconnect();
  process.exit(0);
});
