// Fairness across queues of equal priority: 100 queues of 1,000 jobs each,
// one process; when half of all jobs are done, how unevenly have the queues
// progressed? The coefficient of variation (standard deviation / mean) of
// the per-queue counts at that moment: 0 when every queue is exactly half done.
import { queueNames } from '../lib.mjs';
import { enqueueAll } from '../libraries.mjs';
import { workOff } from './common.mjs';

const QUEUE_COUNT = 100;

export function coefficientOfVariation(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

export function fairnessScenarios({ server, admin, fresh, quick }) {
  const perQueue = quick ? 200 : 1000;
  const total = QUEUE_COUNT * perQueue;
  const half = total / 2;
  const names = queueNames(QUEUE_COUNT);
  return [
    {
      name: 'fairness',
      async run(lib) {
        const ns = fresh(lib);
        await enqueueAll(lib, server.url, ns, Array.from({ length: total }, (_, i) => ({ name: names[i % QUEUE_COUNT], args: { i } })));
        // work shares 50 slots among all queues; BullMQ and bee-queue give
        // each queue its own consumer, so one slot per queue is their fewest.
        const slots = lib === 'work' ? 50 : QUEUE_COUNT;
        const { snapshots } = await workOff({ admin, url: server.url, lib, ns, queues: QUEUE_COUNT, slots, stopAt: half, snapshotAt: half });
        return { cv: coefficientOfVariation(snapshots[0]) * 100 };
      },
      metrics: [['cv', `${QUEUE_COUNT} queues × ${perQueue.toLocaleString('en-US')} jobs: spread of per-queue progress at half (CV)`, '%', 'lower']],
      targets: {
        [`${QUEUE_COUNT} queues × ${perQueue.toLocaleString('en-US')} jobs: spread of per-queue progress at half (CV)`]: (r) => r.work <= r.bee,
      },
    },
  ];
}
