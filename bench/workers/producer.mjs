// Producer CPU per single enqueue, in a process that loads only the library
// measured: process.cpuUsage() around n enqueues into one queue, sent one at a
// time and from 50 concurrent callers, with small args and with 10 KB args.
// Usage: producer.mjs <library> <redis-url> <namespace> <n>
// Prints one JSON line: { [case]: { cpuUs, wallUs } } per enqueue.
import { openProducer } from '../libraries.mjs';
import { payloadArgs } from '../lib.mjs';

const [lib, url, ns, n] = process.argv.slice(2);
const total = Number(n);
const CALLERS = 50;
const big = payloadArgs(10 * 1024);
const CASES = {
  sequential: { callers: 1, args: (i) => ({ i }) },
  concurrent: { callers: CALLERS, args: (i) => ({ i }) },
  sequential10k: { callers: 1, args: (i) => ({ ...big, i }) },
  concurrent10k: { callers: CALLERS, args: (i) => ({ ...big, i }) },
};

const producer = await openProducer(lib, url, ns, ['q0']);

async function measure({ callers, args }, count) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      for (let i = c; i < count; i += callers) await producer.add('q0', args(i));
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / count, wallUs: ((performance.now() - t0) * 1000) / count };
}

// A tenth of each case first, unmeasured: the JIT and the connection warm up.
for (const c of Object.values(CASES)) await measure(c, Math.max(200, Math.floor(total / 10)));
const result = {};
for (const [name, c] of Object.entries(CASES)) result[name] = await measure(c, total);
await producer.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0); // a closed client may still hold a timer
