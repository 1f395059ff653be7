// `work exporter` shows the durable counters of the last minute that has
// ended (by Redis's clock). Rather than wait up to a minute, a test moves
// the counts pools wrote into the current minute, unchanged, into the minute
// before. Near the end of a minute it first waits for the next one, so the
// exporter's next sample still reads that minute.
import { metricsMinuteKey } from '../../src/engine/codec/keys.js';
import { namespaceKeys, type TestRedis } from './redis.js';
import { waitFor } from './wait.js';

export async function countsIntoLastMinute(t: TestRedis): Promise<void> {
  const redisNow = async () => Number((await t.redis.time())[0]);
  if ((await redisNow()) % 60 > 50) await waitFor(async () => (await redisNow()) % 60 < 10, { timeoutMs: 15_000 });
  const now = await redisNow();
  const target = metricsMinuteKey(t.prefix, now - (now % 60) - 60);
  for (const key of await namespaceKeys(t.redis, `${t.prefix}metrics:m:`)) {
    if (key === target) continue;
    for (const [field, n] of Object.entries(await t.redis.hgetall(key))) await t.redis.hincrby(target, field, Number(n));
    await t.redis.del(key);
  }
}
