// Large payloads: jobs with 10 KB of args, processed by one process with 50
// slots. Besides the rate, what each processed job costs Redis: bytes it
// receives (INFO stats total_net_input_bytes) and CPU time (INFO cpu), both
// counted while the backlog is worked off, so the enqueue is not in them.
import { payloadArgs, QUEUES } from '../lib.mjs';
import { enqueueAll } from '../libraries.mjs';
import { workOff } from './common.mjs';

const ARGS_BYTES = 10 * 1024;

export function payloadScenarios({ server, admin, fresh, quick }) {
  const jobs = quick ? 5000 : 20_000;
  const n = jobs.toLocaleString('en-US');
  const args = payloadArgs(ARGS_BYTES);
  return [
    {
      name: 'payload',
      async run(lib) {
        const ns = fresh(lib);
        await enqueueAll(lib, server.url, ns, Array.from({ length: jobs }, (_, i) => ({ name: QUEUES[i % QUEUES.length], args: { ...args, i } })));
        const { perSec, inputBytes, redisCpuUs, workerCpuUs } = await workOff({ admin, url: server.url, lib, ns, queues: QUEUES.length, slots: 50, stopAt: jobs });
        return { perSec, inputKiB: inputBytes / 1024, redisCpuUs, workerCpuUs };
      },
      metrics: [
        ['perSec', `${n} jobs with 10 KB args, 5 queues, 50 slots`, 'jobs/s', 'higher'],
        ['inputKiB', '10 KB args: bytes into Redis per processed job', 'KiB', 'lower'],
        ['redisCpuUs', '10 KB args: Redis CPU per processed job', 'µs', 'lower'],
        ['workerCpuUs', '10 KB args: worker CPU per processed job', 'µs', 'lower'],
      ],
      targets: {},
    },
  ];
}
