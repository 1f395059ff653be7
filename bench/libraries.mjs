// The libraries under test, and how a producer sends them jobs: every
// scenario enqueues the same jobs the same way through here. Each library is
// imported only when it is used, so a child process that measures one
// library loads no other.

export const LIBS = ['work', 'bullmq', 'bee-queue'];

/** BullMQ keeps finished jobs unless told not to; work keeps none. */
export const BULLMQ_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true };

/**
 * bee-queue settings for every queue object: no job events (nobody listens
 * in the bench, and each would be a PUBLISH), no delayed-job timers, and,
 * as for BullMQ, no finished jobs kept. A producer also keeps no Job map.
 */
export const BEE_QUEUE_SETTINGS = {
  getEvents: false,
  sendEvents: false,
  storeJobs: false,
  activateDelayedJobs: false,
  removeOnSuccess: true,
  removeOnFailure: true,
};

/** Jobs per bulk call and bulk calls in flight, as a producer service would send them. */
const BULK_CHUNK = 1000;
const BULK_IN_FLIGHT = 4;

/**
 * A producer for `names` in namespace/prefix `ns`: `add(name, args)` sends
 * one job, `addBulk(jobs)` up to BULK_CHUNK jobs (all of one name, except
 * for work, which takes many names in one call).
 */
export async function openProducer(lib, url, ns, names) {
  const { hostname, port } = new URL(url);
  if (lib === 'work') {
    const { Enqueuer } = await import('../dist/index.js');
    const enqueuer = new Enqueuer({ redis: url, namespace: ns });
    return {
      add: (name, args) => enqueuer.enqueue(name, args),
      addBulk: (jobs) => enqueuer.enqueueBulk(jobs),
      close: () => enqueuer.close(),
    };
  }
  if (lib === 'bullmq') {
    const { Queue } = await import('bullmq');
    const queues = new Map(names.map((name) => [name, new Queue(name, { connection: { host: hostname, port: Number(port) }, prefix: ns })]));
    return {
      add: (name, args) => queues.get(name).add(name, args, BULLMQ_JOB_OPTIONS),
      addBulk: (jobs) => queues.get(jobs[0].name).addBulk(jobs.map((j) => ({ name: j.name, data: j.args, opts: BULLMQ_JOB_OPTIONS }))),
      close: () => Promise.all([...queues.values()].map((q) => q.close())),
    };
  }
  if (lib === 'bee-queue') {
    const { default: BeeQueue } = await import('bee-queue');
    const settings = { ...BEE_QUEUE_SETTINGS, prefix: ns, isWorker: false, redis: { host: hostname, port: Number(port) } };
    const queues = new Map(names.map((name) => [name, new BeeQueue(name, settings)]));
    await Promise.all([...queues.values()].map((q) => q.ready()));
    return {
      add: (name, args) => queues.get(name).createJob(args).save(),
      addBulk: async (jobs) => {
        const queue = queues.get(jobs[0].name);
        const errors = await queue.saveAll(jobs.map((j) => queue.createJob(j.args)));
        if (errors.size > 0) throw [...errors.values()][0];
      },
      close: () => Promise.all([...queues.values()].map((q) => q.close())),
    };
  }
  throw new Error(`unknown library ${lib}`);
}

/**
 * Enqueues `jobs` ({ name, args }) in bulk calls, a few in flight; resolves
 * with the seconds it took, connecting and closing included.
 */
export async function enqueueAll(lib, url, ns, jobs) {
  const byName = new Map();
  for (const job of jobs) {
    if (!byName.has(job.name)) byName.set(job.name, []);
    byName.get(job.name).push(job);
  }
  const start = performance.now();
  const producer = await openProducer(lib, url, ns, [...byName.keys()]);
  const groups = lib === 'work' ? [jobs] : [...byName.values()];
  const pending = [];
  for (const group of groups) {
    for (let i = 0; i < group.length; i += BULK_CHUNK) {
      pending.push(producer.addBulk(group.slice(i, i + BULK_CHUNK)));
      if (pending.length >= BULK_IN_FLIGHT) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  await producer.close();
  return (performance.now() - start) / 1000;
}
