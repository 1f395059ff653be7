// The console's search of a whole dead set (Client.searchJobs, as `/` runs
// it), with a PING probe on another connection: how long a search of the
// whole set takes, and the longest Redis stall meanwhile. Two searches: one
// that only two jobs at the very end match (the Redis-side filter sends back
// almost nothing), and one that every job matches (every member crosses the
// wire and is decoded).
import { startWorkerProcess } from '../lib.mjs';

async function timedSearch(client, server, query) {
  const probe = startWorkerProcess('./workers/ping-probe.mjs', [server.url]);
  await probe.nextLine();
  const t0 = performance.now();
  let matches = 0;
  let done = 0;
  for await (const step of client.searchJobs('dead', query)) {
    matches += step.matches.length;
    done = step.done;
  }
  const seconds = (performance.now() - t0) / 1000;
  probe.send('report');
  const { worstPingMs } = JSON.parse(await probe.nextLine());
  await probe.exited;
  return { seconds, matches, searched: done, worstPingMs };
}

/** Runs on the console scenario's seeded namespace; leaves the set as it found it. */
export async function searchScenario({ client, admin, server, ns, dead }) {
  const key = `${ns}:dead`;
  const [, highest] = await admin.zrange(key, -1, -1, 'WITHSCORES');
  const top = Number(highest ?? 0);
  const needles = [1, 2].map((k) => `{"name":"queue0","id":"needle${k}","t":${top},"args":{},"fails":4,"err":"disk quota exceeded","failed_at":${top + k}}`);
  await admin.zadd(key, top + 1, needles[0], top + 2, needles[1]);
  try {
    const few = await timedSearch(client, server, { errorMatch: 'disk quota' });
    const all = await timedSearch(client, server, { errorMatch: 'gave up' });
    if (few.matches !== 2) console.error(`bench: search found ${few.matches} needles, expected 2`);
    const n = dead.toLocaleString('en-US');
    return {
      samples: { few, all },
      rows: [
        { scenario: 'search', metric: `search ${n} dead jobs, 2 match (at the end): wall time`, work: few.seconds, unit: 's', better: 'lower' },
        { scenario: 'search', metric: 'search, 2 match: longest Redis stall (PING)', work: few.worstPingMs, unit: 'ms', better: 'lower' },
        { scenario: 'search', metric: `search ${n} dead jobs, every one matches: wall time`, work: all.seconds, unit: 's', better: 'lower' },
        { scenario: 'search', metric: 'search, every one matches: longest Redis stall (PING)', work: all.worstPingMs, unit: 'ms', better: 'lower' },
      ],
    };
  } finally {
    await admin.zrem(key, ...needles);
  }
}
