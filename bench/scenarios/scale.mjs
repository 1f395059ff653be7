// Throughput as a deployment grows: more worker processes sharing one
// backlog, many slots in one process, many registered job names. Every
// library gets the same total slots.
import { QUEUES, queueNames } from '../lib.mjs';
import { enqueueAll } from '../libraries.mjs';
import { workOff } from './common.mjs';

const PROCESSES = [1, 2, 4];
const SLOTS = 50;
const MANY_SLOTS = 2000;
const MANY_NAMES = 100;
// Jobs each process works off before the measure starts (see workOff): the
// scale rows compare steady state, as long-running workers see it.
const WARM_UP_EACH = 15_000;

export function scaleScenarios({ server, admin, fresh, quick }) {
  const jobs = quick ? 20_000 : 100_000;
  const n = jobs.toLocaleString('en-US');

  /** `jobs` no-op jobs (plus any warm-up) spread evenly over `names`, then worked off. */
  async function backlog(lib, names, options) {
    const ns = fresh(lib);
    const total = jobs + (options.warmUp ?? 0);
    await enqueueAll(lib, server.url, ns, Array.from({ length: total }, (_, i) => ({ name: names[i % names.length], args: { i } })));
    const result = await workOff({ admin, url: server.url, lib, ns, queues: names.length, stopAt: jobs, ...options });
    await admin.flushall(); // the private server is ours alone
    return result;
  }

  const scale = {
    name: 'scale',
    async run(lib) {
      const sample = {};
      for (const p of PROCESSES) {
        const { perSec, shares, redisCpuUs, workerCpuUs } = await backlog(lib, QUEUES, { processes: p, slots: SLOTS, warmUp: quick ? 0 : WARM_UP_EACH * p });
        sample[`perSec${p}`] = perSec;
        sample[`redisCpuUs${p}`] = redisCpuUs;
        sample[`workerCpuUs${p}`] = workerCpuUs;
        sample[`minShare${p}`] = Math.min(...shares) * 100;
        sample[`maxShare${p}`] = Math.max(...shares) * 100;
      }
      for (const p of PROCESSES.slice(1)) sample[`gain${p}`] = sample[`perSec${p}`] / sample.perSec1;
      return sample;
    },
    metrics: [
      ...PROCESSES.map((p) => [`perSec${p}`, `${n} no-op jobs, 5 queues, ${SLOTS} slots${quick ? '' : ', after warm-up'}: ${p} process${p > 1 ? 'es' : ''}`, 'jobs/s', 'higher']),
      ...PROCESSES.slice(1).map((p) => [`gain${p}`, `${p} processes / 1 process`, 'x', 'higher']),
      ...PROCESSES.slice(1).flatMap((p) => [
        [`minShare${p}`, `${p} processes: smallest share of the jobs`, '%', 'higher'],
        [`maxShare${p}`, `${p} processes: largest share of the jobs`, '%', 'lower'],
      ]),
      // Two cores run the workers and Redis: CPU per job is what bounds the sum.
      ...PROCESSES.map((p) => [`redisCpuUs${p}`, `Redis CPU per job, ${p} process${p > 1 ? 'es' : ''}`, 'µs', 'lower']),
      ...PROCESSES.map((p) => [`workerCpuUs${p}`, `worker CPU per job (all processes), ${p} process${p > 1 ? 'es' : ''}`, 'µs', 'lower']),
    ],
    targets: Object.fromEntries(
      PROCESSES.slice(1).flatMap((p) => [
        // More processes must not mean less throughput, and each must get
        // its part: here "fair" is at least 80% of an equal share.
        [`${p} processes / 1 process`, (r) => r.work >= 1],
        [`${p} processes: smallest share of the jobs`, (r) => r.work >= (0.8 * 100) / p],
      ]),
    ),
  };

  const slots = {
    name: 'slots',
    async run(lib) {
      const { perSec, redisCpuUs } = await backlog(lib, QUEUES, { slots: MANY_SLOTS });
      return { perSec, redisCpuUs };
    },
    metrics: [
      ['perSec', `${n} no-op jobs, 5 queues, ${MANY_SLOTS.toLocaleString('en-US')} slots in one process`, 'jobs/s', 'higher'],
      ['redisCpuUs', `Redis CPU per job, ${MANY_SLOTS.toLocaleString('en-US')} slots`, 'µs', 'lower'],
    ],
    targets: {},
  };

  // bee-queue and BullMQ consume each queue on its own, with at least one
  // slot: 100 queues need 100 slots, so every library gets 100 here.
  const names = {
    name: 'names',
    async run(lib) {
      const { perSec, redisCpuUs } = await backlog(lib, queueNames(MANY_NAMES), { slots: MANY_NAMES });
      return { perSec, redisCpuUs };
    },
    metrics: [
      ['perSec', `${n} no-op jobs over ${MANY_NAMES} job names, ${MANY_NAMES} slots, one process`, 'jobs/s', 'higher'],
      ['redisCpuUs', `Redis CPU per job, ${MANY_NAMES} job names`, 'µs', 'lower'],
    ],
    targets: {},
  };

  return [scale, slots, names];
}
