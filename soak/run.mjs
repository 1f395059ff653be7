// `npm run soak -- --minutes N [--no-poison]`: producers and workers on a
// private Redis with random failures, timeouts and SIGKILLed workers, and a
// mix of poison entries written straight into Redis (poison.mjs); then an
// audit that accounts for every enqueued job (completed, queued, in retry,
// dead) and every poison entry (it must be in dead), and prints lost,
// duplicated and stuck counts. Zero lost and zero stuck is the bar;
// duplicates are allowed (at least once) and reported.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { Client, Enqueuer } from '../dist/index.js';
import { startRedisServer } from '../dist/support/private-redis.js';
import { PoisonMix } from './poison.mjs';

const minutes = Number(process.argv[process.argv.indexOf('--minutes') + 1] ?? 1) || 1;
const withPoison = !process.argv.includes('--no-poison');
const WORKERS = 2;
const namespace = 'soak';
const server = await startRedisServer();
const redis = new Redis(server.url);
const log = (text) => console.error(`soak ${new Date().toISOString().slice(11, 19)} ${text}`);

const workers = new Set();
function spawnWorker() {
  const child = spawn(process.execPath, [new URL('./worker.mjs', import.meta.url).pathname, server.url, namespace], { stdio: ['ignore', 'ignore', 'inherit'] });
  workers.add(child);
  child.on('exit', () => workers.delete(child));
  return child;
}
for (let i = 0; i < WORKERS; i++) spawnWorker();
// Should this script die of an error, its workers and private Redis must not live on.
process.on('exit', () => {
  for (const child of workers) child.kill('SIGKILL');
  server.process.kill('SIGKILL');
});

// Producer: numbered jobs, a few hundred a second.
const enqueuer = new Enqueuer({ redis: server.url, namespace });
let next = 0;
let producing = true;
const producer = (async () => {
  while (producing) {
    const batch = Array.from({ length: 20 }, () => ({ name: 'soak', args: { n: String(next++) } }));
    await enqueuer.enqueueBulk(batch);
    await new Promise((r) => setTimeout(r, 50));
  }
})();

// Chaos: every few seconds SIGKILL a worker mid-flight and start a new one.
let kills = 0;
const chaos = setInterval(() => {
  const victim = [...workers][Math.floor(Math.random() * workers.size)];
  if (!victim) return;
  victim.kill('SIGKILL');
  kills++;
  spawnWorker();
}, 7000);

// Poison: a round of raw entries every 3 s (the first round adds a 5 MB and a 200k-deep entry).
const poison = new PoisonMix(redis, namespace);
const poisoning = withPoison ? setInterval(() => void poison.inject().catch((error) => log(`poison: ${error}`)), 3000) : undefined;

log(`running ${minutes} minute(s) with ${WORKERS} workers on ${server.url}${withPoison ? ', with poison entries' : ''}`);
await new Promise((r) => setTimeout(r, minutes * 60_000));
producing = false;
await producer;
clearInterval(chaos);
clearInterval(poisoning);
log(`enqueued ${next} jobs, killed ${kills} workers; draining…`);

// Drain: wait until nothing is queued, running or waiting for a retry.
const client = new Client({ redis: server.url, namespace });
const deadline = Date.now() + 120_000;
for (;;) {
  const [queue] = (await client.queues()).filter((q) => q.jobName === 'soak');
  const { retry, scheduled } = await client.setCounts();
  const inProgress = (await redis.keys(`${namespace}:jobs:soak:*:inprogress`)).length;
  if ((queue?.count ?? 0) === 0 && retry === 0 && scheduled === 0 && inProgress === 0 && (queue?.running ?? 0) === 0) break;
  if (Date.now() > deadline) {
    log(`drain timed out: queued ${queue?.count}, retry ${retry}, scheduled ${scheduled}, in-progress lists ${inProgress}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}

// Audit every job number.
const runs = await redis.hgetall(`${namespace}:soak:runs`);
// The number a soak job carries; poison entries have none.
const numberOf = (member) => {
  try {
    return JSON.parse(member)?.args?.n;
  } catch {
    return undefined;
  }
};
const dead = new Set((await redis.zrange(`${namespace}:dead`, 0, -1)).map(numberOf).filter((n) => n !== undefined));
const queued = new Set((await redis.lrange(`${namespace}:jobs:soak`, 0, -1)).map(numberOf).filter((n) => n !== undefined));
let lost = 0;
let duplicated = 0;
for (let n = 0; n < next; n++) {
  const key = String(n);
  const count = Number(runs[key] ?? 0);
  if (count > 1) duplicated++;
  if (count === 0 && !dead.has(key) && !queued.has(key)) lost++;
}
const poisoned = withPoison ? await poison.audit() : undefined;
const stuck = poisoned ? poisoned.stuck.length + poisoned.inProgressEntries + (poisoned.lock !== 0 || poisoned.lockShares !== 0 ? 1 : 0) : 0;
console.log(
  JSON.stringify(
    { minutes, enqueued: next, completed: Object.keys(runs).length, dead: dead.size, stillQueued: queued.size, workersKilled: kills, lost, duplicated, poison: poisoned, stuck },
    null,
    2,
  ),
);
const ok = lost === 0 && stuck === 0;
console.log(ok ? 'PASS: zero lost, zero stuck' : `FAIL: ${lost} lost, ${stuck} stuck`);
for (const child of workers) child.kill('SIGTERM');
await new Promise((r) => setTimeout(r, 2500));
for (const child of workers) child.kill('SIGKILL');
await enqueuer.close();
await client.close();
redis.disconnect();
await server.stop();
process.exit(ok ? 0 : 1);
