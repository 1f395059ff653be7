// PINGs Redis every 10 ms from its own process (so the measured process's own
// work cannot delay the probe) and reports the slowest answer on "report".
// Usage: ping-probe.mjs <redis-url>
import { Redis } from 'ioredis';
import { onCommand } from '../lib.mjs';

const redis = new Redis(process.argv[2]);
await redis.ping();
let worst = 0;
let running = true;
const loop = (async () => {
  while (running) {
    const t0 = performance.now();
    await redis.ping();
    worst = Math.max(worst, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  }
})();
onCommand(async (command) => {
  if (command !== 'report') return;
  running = false;
  await loop;
  process.stdout.write(`${JSON.stringify({ worstPingMs: worst })}\n`);
  redis.disconnect();
  process.exit(0);
});
process.stdout.write('ready\n');
