// What a producer pays per single enqueue, in CPU time of its own process
// (workers/producer.mjs, which loads only the library measured).
import { startWorkerProcess } from '../lib.mjs';

const CASES = [
  ['sequential', 'one at a time, small args'],
  ['concurrent', '50 concurrent callers, small args'],
  ['sequential10k', 'one at a time, 10 KB args'],
  ['concurrent10k', '50 concurrent callers, 10 KB args'],
];

export function producerScenarios({ server, fresh, quick }) {
  const enqueues = quick ? 2000 : 10_000;
  const label = (text) => `producer CPU per enqueue, ${text}`;
  return [
    {
      name: 'producer',
      async run(lib) {
        const child = startWorkerProcess('./workers/producer.mjs', [lib, server.url, fresh(lib), String(enqueues)]);
        const result = JSON.parse(await child.nextLine());
        await child.exited;
        return Object.fromEntries(CASES.map(([key]) => [key, result[key].cpuUs]));
      },
      metrics: CASES.map(([key, text]) => [key, label(text), 'µs', 'lower']),
      // The target: at or below BullMQ per single enqueue.
      targets: Object.fromEntries(CASES.map(([, text]) => [label(text), (r) => r.work <= r.bullmq])),
    },
  ];
}
