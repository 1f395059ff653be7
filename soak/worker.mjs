// A soak-test worker process: jobs fail now and then, some time out, and every
// successful run is counted in Redis so the audit can find losses and repeats.
// Usage: worker.mjs <redis-url> <namespace>
import { Redis } from 'ioredis';
import { WorkerPool } from '../dist/index.js';

const [url, namespace] = process.argv.slice(2);
const ledger = new Redis(url);
// Default heartbeat, presence and reaper timings: the soak checks what users run.
const pool = new WorkerPool({ redis: url, namespace, concurrency: 20 });
const options = { maxFails: 3, timeoutMs: 200, backoff: () => 1 };
pool.job('soak', options, async (job) => {
  // The poison mix (poison.mjs): entries that decode as jobs must still end in dead.
  if (job.args?.poison) throw new Error('poison entry');
  const roll = Math.random();
  if (roll < 0.05) throw new Error('random failure');
  if (roll < 0.06) await new Promise((r) => setTimeout(r, 400)); // times out
  else await new Promise((r) => setTimeout(r, Math.random() * 20));
  await ledger.hincrby(`${namespace}:soak:runs`, job.args.n, 1);
});
pool.on('error', () => undefined);
await pool.start();
process.on('SIGTERM', async () => {
  await pool.stop({ graceMs: 2000 });
  ledger.disconnect();
  process.exit(0);
});
