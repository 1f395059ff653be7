// `work doctor`'s judgement (pure) and the facts the Client gathers for it
// (against the test run's own redis-server).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, diagnose, type DoctorFacts } from '../../src/engine/client/client.js';
import * as keys from '../../src/engine/codec/keys.js';
import { createClient } from '../../src/engine/redis/connection.js';
import { parseRedisTarget } from '../../src/engine/redis/topology.js';
import { everyServer, onCluster, redisUrl, testRedis, type TestRedis } from '../support/redis.js';

const healthy = (): DoctorFacts => ({
  info: new Map([
    ['redis_version', '7.0.15'],
    ['maxmemory', '0'],
    ['maxmemory_policy', 'noeviction'],
    ['aof_enabled', '1'],
  ]),
  redisNowMs: 1_800_000_000_000,
  localNowMs: 1_800_000_000_300,
  probes: new Map([
    ['EVAL', undefined],
    ['PUBLISH', undefined],
  ]),
  pools: [{ poolId: 'p1', host: 'web-1', heartbeatAt: 1_799_999_998 }],
  locks: [{ jobName: 'email', lock: 2, shares: 2 }],
  deadAfterSeconds: 15,
});

const levels = (facts: DoctorFacts) => Object.fromEntries(diagnose(facts).map((f) => [f.check, f.level]));

describe('diagnose', () => {
  it('finds nothing wrong with a healthy deployment', () => {
    expect(diagnose(healthy()).every((f) => f.level === 'ok')).toBe(true);
  });

  it('fails an evicting memory policy, an old Redis, denied commands and a lock count above its shares', () => {
    const facts = healthy();
    facts.info = new Map([...facts.info, ['maxmemory', '1000000'], ['maxmemory_human', '976.56K'], ['maxmemory_policy', 'allkeys-lru'], ['redis_version', '5.0.7']]);
    facts.probes = new Map([['EVAL', "NOPERM this user has no permissions to run the 'eval' command"]]);
    facts.locks = [{ jobName: 'email', lock: 5, shares: 0 }];
    expect(levels(facts)).toMatchObject({ 'Redis version': 'fail', 'memory policy': 'fail', 'ACL rights': 'fail', 'lock count of email': 'fail' });
    const byCheck = new Map(diagnose(facts).map((f) => [f.check, f]));
    expect(byCheck.get('memory policy')?.fix).toMatch(/noeviction/);
    expect(byCheck.get('ACL rights')?.detail).toMatch(/EVAL \(NOPERM/);
  });

  it('warns of no persistence, skewed clocks, and stale or future heartbeats', () => {
    const facts = healthy();
    facts.info = new Map([...facts.info, ['aof_enabled', '0']]);
    facts.localNowMs = facts.redisNowMs - 9000;
    facts.pools = [
      { poolId: 'ahead', host: 'a', heartbeatAt: 1_800_000_060 },
      { poolId: 'stale', host: 'b', heartbeatAt: 1_799_999_000 },
      { poolId: 'fine', host: 'c', heartbeatAt: 1_799_999_999 },
    ];
    expect(levels(facts)).toMatchObject({ persistence: 'warn', "this host's clock": 'warn', 'pool ahead': 'warn', 'pool stale': 'warn' });
    const detail = (check: string) => diagnose(facts).find((f) => f.check === check)?.detail;
    expect(detail("this host's clock")).toBe('9.0 s behind Redis');
    expect(detail('pool ahead')).toMatch(/60 s in the future on a/);
    expect(detail('pool stale')).toMatch(/last heartbeat 1000 s ago/);
    expect(diagnose(facts).some((f) => f.check === 'pool fine')).toBe(false);
  });
});

describe('Client.doctorFacts', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await testRedis('doctor');
  });
  afterEach(() => t.cleanup());

  it('reads the server, probes each command kind and sums lock shares', async () => {
    const client = new Client({ redis: t.redis, namespace: t.namespace });
    await t.redis.sadd(keys.knownJobsKey(t.prefix), 'email');
    await t.redis.set(keys.lockKey(t.prefix, 'email'), '3');
    await t.redis.hset(keys.lockInfoKey(t.prefix, 'email'), { a: '1', b: '1' });
    const facts = await client.doctorFacts();
    expect(facts.info.get('redis_version')).toMatch(/^\d+\.\d+/);
    expect([...facts.probes.values()].every((e) => e === undefined)).toBe(true);
    expect(facts.locks).toEqual([{ jobName: 'email', lock: 3, shares: 2 }]);
    expect(Math.abs(facts.localNowMs - facts.redisNowMs)).toBeLessThan(2000);
    expect(await t.redis.exists(`${t.prefix}doctor:probe`)).toBe(0);
  });

  it.skipIf(Boolean(process.env.REDIS_URL))('names the commands a restricted user may not run', async () => {
    const user = `doc-${randomBytes(4).toString('hex')}`;
    // ACL users are per server: on a cluster, made on every master. A cluster
    // client reads the slot map with CLUSTER SLOTS, so there the user has that too.
    const servers = await everyServer(t.redis);
    const clusterRights = onCluster() ? ['+cluster|slots', '+cluster|info'] : [];
    for (const server of servers) {
      await server.call('ACL', 'SETUSER', user, 'on', '>pw-12345', `~${t.prefix}*`, `&${t.prefix}*`, '-@all', '+@read', '+@write', '+@connection', '+@transaction', '+info', '+time', ...clusterRights);
    }
    const target = parseRedisTarget(redisUrl());
    const redis =
      target.kind === 'cluster'
        ? createClient({ ...target, username: user, password: 'pw-12345' })
        : new Redis(`redis://${user}:pw-12345@127.0.0.1:${new URL(redisUrl()).port}`);
    try {
      const facts = await new Client({ redis, namespace: t.namespace }).doctorFacts();
      const denied = [...facts.probes].filter(([, e]) => e !== undefined).map(([name]) => name);
      expect(denied).toEqual(['EVAL', 'PUBLISH', 'PUBSUB NUMSUB']);
      expect(diagnose(facts).find((f) => f.check === 'ACL rights')?.level).toBe('fail');
    } finally {
      redis.disconnect();
      for (const server of servers) await server.call('ACL', 'DELUSER', user);
    }
  });
});
