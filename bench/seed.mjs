// Seeding for the console and repair scenarios, and a round-trip counter.
import { randomBytes } from 'node:crypto';

/** 1,000 queues with a job each, 100 heartbeating pools with 2 workers, and `dead` dead jobs. */
export async function seedConsoleCluster(redis, namespace, dead) {
  const p = `${namespace}:`;
  const now = Math.floor(Date.now() / 1000);
  let pipe = redis.pipeline();
  for (let q = 0; q < 1000; q++) {
    pipe.sadd(`${p}known_jobs`, `queue${q}`);
    pipe.lpush(`${p}jobs:queue${q}`, `{"name":"queue${q}","id":"${randomBytes(12).toString('hex')}","t":${now},"args":{}}`);
  }
  for (let i = 0; i < 100; i++) {
    const id = randomBytes(12).toString('hex');
    pipe.sadd(`${p}worker_pools`, id);
    pipe.hset(`${p}worker_pools:${id}`, { heartbeat_at: now, started_at: now - 60, job_names: 'queue0,queue1', concurrency: 2, worker_ids: `${id}a,${id}b`, host: 'bench', pid: i });
  }
  await pipe.exec();
  for (let start = 0; start < dead; start += 10_000) {
    pipe = redis.pipeline();
    for (let i = start; i < Math.min(dead, start + 10_000); i++) {
      const name = `queue${i % 1000}`;
      pipe.zadd(`${p}dead`, now - 1000 + (i % 1000), `{"name":"${name}","id":"${randomBytes(12).toString('hex')}","t":${now - 2000},"args":{"i":${i}},"fails":4,"err":"gave up","failed_at":${now - 1000}}`);
    }
    await pipe.exec();
  }
}

/** Counts round trips on a connection: each command sent alone, and each pipeline once. */
export function countRoundTrips(redis) {
  let trips = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, ...rest) => {
    if (command.pipelineIndex === undefined) trips++;
    return send(command, ...rest);
  };
  for (const factory of ['pipeline', 'multi']) {
    const make = redis[factory].bind(redis);
    redis[factory] = (...a) => {
      const pipe = make(...a);
      const exec = pipe.exec.bind(pipe);
      pipe.exec = (...e) => {
        trips++;
        return exec(...e);
      };
      return pipe;
    };
  }
  return { count: () => trips };
}
