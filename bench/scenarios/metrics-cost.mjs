// What metrics cost a worker (work only): the same backlog of no-op jobs
// worked off by one process with no counters, with the durable counters (the
// default), and with those plus the pool's Prometheus collector scraped once
// a second (a Prometheus server scrapes every 15 s or so: this is harsher).
// The variants alternate, each run starting with the next, on one Redis.
import { median, QUEUES, startWorkerProcess } from '../lib.mjs';
import { enqueueAll } from '../libraries.mjs';
import { redisCounters, redisCostPerJob } from './common.mjs';

const VARIANTS = ['off', 'durable', 'prometheus'];
const CONCURRENCY = 50;

async function oneRun({ server, admin, fresh, jobs }, variant) {
  const ns = fresh(`metrics-${variant}`);
  await enqueueAll('work', server.url, ns, Array.from({ length: jobs }, (_, i) => ({ name: QUEUES[i % QUEUES.length], args: { i } })));
  const worker = startWorkerProcess('./workers/work-metrics-worker.mjs', [server.url, ns, String(jobs), String(CONCURRENCY), variant]);
  const { url } = JSON.parse(await worker.nextLine());
  let scrapes = 0;
  const scraper = url
    ? setInterval(() => {
        fetch(url).then((r) => r.text()).then(() => scrapes++, () => {});
      }, 1000)
    : undefined;
  const before = await redisCounters(admin);
  worker.send('go');
  const result = JSON.parse(await worker.nextLine());
  clearInterval(scraper);
  const { redisCpuUs } = redisCostPerJob(before, await redisCounters(admin), jobs);
  await worker.exited;
  return { perSec: jobs / (result.ms / 1000), workerCpuUs: result.cpuUs / jobs, redisCpuUs, scrapes };
}

export async function metricsCostScenario(context) {
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let i = 0; i < context.runs; i++) {
    for (const variant of VARIANTS.map((_, k) => VARIANTS[(i + k) % VARIANTS.length])) {
      samples[variant].push(await oneRun(context, variant));
      await context.admin.flushall();
    }
  }
  const n = context.jobs.toLocaleString('en-US');
  const med = (variant, key) => median(samples[variant].map((s) => s[key]));
  const rows = [];
  const vsOff = (variant, key) => (variant === 'off' ? '' : `, ${(med(variant, key) / med('off', key)).toFixed(2)}x no counters`);
  for (const variant of VARIANTS) {
    const label = { off: 'no counters', durable: 'durable counters (default)', prometheus: 'durable + Prometheus collector, scraped every 1 s' }[variant];
    rows.push({ scenario: 'metrics', metric: `${n} no-op jobs, ${label}${vsOff(variant, 'perSec')}`, work: med(variant, 'perSec'), unit: 'jobs/s', better: 'higher' });
    rows.push({ scenario: 'metrics', metric: `${label}: worker CPU per job${vsOff(variant, 'workerCpuUs')}`, work: med(variant, 'workerCpuUs'), unit: 'µs', better: 'lower' });
    rows.push({ scenario: 'metrics', metric: `${label}: Redis CPU per job${vsOff(variant, 'redisCpuUs')}`, work: med(variant, 'redisCpuUs'), unit: 'µs', better: 'lower' });
  }
  return { samples, rows };
}
