// work on a local Redis Cluster (3 masters, started here) against one Redis
// server: the same no-op backlog split over three hash-tagged namespaces,
// each worked off by a worker process of its own. On a cluster each
// namespace is one slot, so three namespaces whose tags hash to three
// masters spread the load over them (the shard rule in the README).
import { Redis } from 'ioredis';
import { Enqueuer } from '../../dist/index.js';
import { startRedisCluster } from '../../dist/support/private-cluster.js';
import { startWorkerProcess } from '../lib.mjs';

const QUEUES = ['q0', 'q1', 'q2', 'q3', 'q4'];
const SLOTS_PER_PROCESS = 50;

/** Three namespace tags served by three different masters of the cluster. */
async function tagsOnDistinctMasters(cluster, count) {
  const probe = new Redis(cluster.nodes[0].port, '127.0.0.1');
  const shards = await probe.call('CLUSTER', 'SLOTS');
  const ownerOf = (slot) => shards.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
  const tags = [];
  const owners = new Set();
  for (let i = 0; tags.length < count && i < 1000; i++) {
    const tag = `bench-${i}`;
    const owner = ownerOf(Number(await probe.call('CLUSTER', 'KEYSLOT', `{${tag}}`)));
    if (!owners.has(owner)) {
      owners.add(owner);
      tags.push(tag);
    }
  }
  probe.disconnect();
  return tags;
}

/** Jobs/s of `namespaces.length` worker processes, one per namespace, on `url`. */
async function workOffSplit(url, namespaces, jobsEach) {
  for (const ns of namespaces) {
    const enqueuer = new Enqueuer({ redis: url, namespace: ns });
    for (let i = 0; i < jobsEach; i += 1000) {
      await enqueuer.enqueueBulk(Array.from({ length: Math.min(1000, jobsEach - i) }, (_, j) => ({ name: QUEUES[(i + j) % QUEUES.length] })));
    }
    await enqueuer.close();
  }
  const options = JSON.stringify({ queues: QUEUES.length, split: true, snapshotAt: 0 });
  const workers = namespaces.map((ns) => startWorkerProcess('./workers/work-worker.mjs', [url, ns, 'count', '0', String(SLOTS_PER_PROCESS), options]));
  await Promise.all(workers.map((w) => w.nextLine()));
  const report = () => Promise.all(workers.map((w) => (w.send('report'), w.nextLine().then(JSON.parse))));
  await report();
  const start = Date.now();
  for (const w of workers) w.send('go');
  let reports;
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    reports = await report();
    if (reports.reduce((sum, r) => sum + r.done, 0) >= jobsEach * namespaces.length) break;
    if (Date.now() - start > 600_000) throw new Error('cluster bench: backlog not worked off in 10 minutes');
  }
  for (const w of workers) w.send('exit');
  await Promise.all(workers.map((w) => w.exited));
  const seconds = (Math.max(...reports.map((r) => r.lastAt)) - start) / 1000;
  return reports.reduce((sum, r) => sum + r.done, 0) / seconds;
}

export function clusterScenario({ server, admin, quick }) {
  const jobsEach = quick ? 10_000 : 50_000;
  return {
    name: 'cluster',
    async run() {
      const single = await workOffSplit(server.url, ['{bench-a}', '{bench-b}', '{bench-c}'], jobsEach);
      await admin.flushall(); // the private server is ours alone
      const cluster = await startRedisCluster({ masters: 3 });
      try {
        const tags = await tagsOnDistinctMasters(cluster, 3);
        const spread = await workOffSplit(cluster.url, tags.map((t) => `{${t}}`), jobsEach);
        return { single, spread, gain: spread / single };
      } finally {
        await cluster.stop();
      }
    },
    metrics: [
      ['single', `3 namespaces × ${jobsEach.toLocaleString('en-US')} no-op jobs, 3 processes, one Redis server`, 'jobs/s', 'higher'],
      ['spread', 'the same on a 3-master cluster, one namespace per master', 'jobs/s', 'higher'],
      ['gain', '3-master cluster / one server', 'x', 'higher'],
    ],
  };
}
