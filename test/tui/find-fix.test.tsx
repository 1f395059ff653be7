// The console's find-and-fix keys on a real, seeded Redis: searching a whole
// set, acting on the matches, opening any job, running one now, purging a
// queue, the stats view and the command bar, each checked against Redis
// afterwards; and every new screen fits from 60x15 to 200x60.
import { Redis } from 'ioredis';
import React from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { encodeJob, type Job } from '../../src/engine/codec/job.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import * as keys from '../../src/engine/codec/keys.js';
import { textWidth } from '../../src/support/fit.js';
import { redisServerAvailable, startRedisServer } from '../../src/support/private-redis.js';
import { App } from '../../src/tui/app.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';
import { renderSized, type SizedScreen } from './sized-render.js';

const KEY = { enter: '\r', escape: '\u001b', backspace: '\u007f', right: '\u001b[C' };

let t: TestRedis;
let screen: SizedScreen | undefined;

beforeEach(async () => {
  t = await testRedis('findfix');
});
afterEach(async () => {
  screen?.unmount();
  screen = undefined;
  await t.cleanup();
});

const now = () => Math.floor(Date.now() / 1000);
const job = (over: Partial<Job>): Job => ({ name: 'email', id: 'x', enqueuedAt: now() - 100, args: {}, unique: false, fails: 0, ...over });

/** `count` dead jobs; those at the indexes in `quota` died of a full disk, the rest of a flaky SMTP server. */
async function seedDead(count: number, quota: number[] = []): Promise<void> {
  const dead = keys.deadKey(t.prefix);
  for (let from = 0; from < count; from += 2000) {
    const args: Array<string | number> = [];
    for (let i = from; i < Math.min(count, from + 2000); i++) {
      const lastError = quota.includes(i) ? 'disk quota exceeded' : 'smtp: 421 try later';
      args.push(now() - 3000 + i, encodeJob(job({ id: `dead${String(i).padStart(6, '0')}`, args: { n: i }, fails: 4, lastError, failedAt: now() - 3000 + i })));
    }
    await t.redis.zadd(dead, ...args);
  }
  await t.redis.sadd(keys.knownJobsKey(t.prefix), 'email');
}

function start(options: { view?: 'overview' | 'queues' | 'workers' | 'retry' | 'scheduled' | 'dead' | 'stats'; readOnly?: boolean; columns?: number; rows?: number } = {}): SizedScreen {
  const client = new Client({ redis: t.redis, namespace: t.namespace });
  screen = renderSized(
    <App client={client} namespace={t.namespace} intervalMs={100} color={false} initialView={options.view} readOnly={options.readOnly ?? false} />,
    options.columns ?? 80,
    options.rows ?? 24,
  );
  return screen;
}

const plain = (frame: string) => frame.replace(/\x1b\[[0-9;]*m/g, '');
/** Waits for the text on screen; on a timeout, says what the screen showed then. */
const shows = (s: SizedScreen, text: string | RegExp) =>
  waitFor(() => (typeof text === 'string' ? plain(s.frame()).includes(text) : text.test(plain(s.frame()))), { message: String(text) }).catch((error: unknown) => {
    throw new Error(`${String(error)}\non screen:\n${plain(s.frame())}`);
  });
const type = (s: SizedScreen, text: string) => s.press(...text.split(''));

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const line of lines) expect(textWidth(line), line).toBeLessThanOrEqual(columns - 1);
}

describe('searching a whole set', () => {
  it('finds matches far past the first page, opens one, and retries exactly the matches after the count is typed', async () => {
    await seedDead(3000, [2500, 2999]);
    const s = start({ view: 'dead' });
    await shows(s, 'page 1 of 150');
    await s.press('/');
    await type(s, 'error:disk quota');
    await shows(s, '/error:disk quota▏');
    await s.press(KEY.enter);
    await shows(s, 'searched all 3,000 · 2 matches');
    expect(plain(s.frame())).toContain('dead002500');
    expect(plain(s.frame())).toContain('dead002999');
    expect(plain(s.frame())).not.toContain('dead000000');

    await s.press(KEY.enter);
    await shows(s, 'Last error  disk quota exceeded');
    await s.press(KEY.escape);
    await shows(s, '2 matches');

    await s.press('R');
    await shows(s, 'Retry the 2 dead jobs matching error:"disk quota"? Type 2, Enter: ▏');
    await type(s, '3');
    await s.press(KEY.enter);
    await shows(s, 'typed "3", not "2": nothing done');
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(3000);

    await s.press('R', '2', KEY.enter);
    await shows(s, 'retried 2 of 2 dead jobs matching error:"disk quota"');
    const queued = (await t.redis.lrange(keys.queueKey(t.prefix, 'email'), 0, -1)).map((m) => (JSON.parse(m) as { id: string }).id).sort();
    expect(queued).toEqual(['dead002500', 'dead002999']);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(2998);
    // The search runs again over what is left.
    await shows(s, 'searched all 2,998 · 0 matches');
    await s.press(KEY.escape);
    await shows(s, 'page 1 of 150');
  });

  it('deletes the matches of a name and error search, and a search of the retry set needs no action', async () => {
    await seedDead(50, [3, 4]);
    const sms = encodeJob(job({ name: 'sms', id: 'sms1', lastError: 'disk quota exceeded' }));
    await t.redis.zadd(keys.deadKey(t.prefix), now(), sms);
    await t.redis.zadd(keys.retryKey(t.prefix), now() + 60, encodeJob(job({ id: 'r1', fails: 1, lastError: 'disk quota exceeded' })));
    const s = start({ view: 'dead' });
    await shows(s, '51 dead jobs');
    await s.press('/');
    await type(s, 'name:email error:quota');
    await s.press(KEY.enter);
    await shows(s, 'searched all 51 · 2 matches');
    await s.press('D', '2', KEY.enter);
    await shows(s, 'deleted 2 of 2 dead jobs matching name:email error:quota');
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(49);
    expect(await t.redis.zscore(keys.deadKey(t.prefix), sms)).not.toBeNull();
    await s.press('5');
    await shows(s, 'r1');
    await s.press('/');
    await type(s, 'quota');
    await s.press(KEY.enter);
    await shows(s, 'searched all 1 · 1 match ·');
  });
});

describe.skipIf(!redisServerAvailable())('a bulk action on matches', () => {
  it('stops between batches on Esc, says exactly what it did, and R runs it again for the rest', async () => {
    // A Redis of its own: its writes are paused for a moment, which must not slow other tests.
    const server = await startRedisServer();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
    const prefix = keys.namespacePrefix('bulk');
    try {
      const members: Array<string | number> = [];
      for (let i = 0; i < 5000; i++) members.push(1000 + i, encodeJob(job({ id: `m${String(i).padStart(5, '0')}`, fails: 4, lastError: 'disk quota exceeded' })));
      await redis.zadd(keys.deadKey(prefix), ...members);
      const client = new Client({ redis, namespace: 'bulk' });
      const s = (screen = renderSized(<App client={client} namespace="bulk" intervalMs={100} color={false} initialView="dead" />, 120, 24));
      await shows(s, '5000 dead jobs');
      await s.press('/');
      await type(s, 'error:quota');
      await s.press(KEY.enter);
      await shows(s, 'searched all 5,000 · 5,000 matches');
      await s.press('R');
      await type(s, '5000');
      // Writes wait for a second: the first batch's move is held, and Esc lands while it is.
      // Writes wait for a second, so the first batch's move is held; Esc lands once the walk has read
      // that batch and the next (MONITOR shows the read ahead, sent just before the move).
      const watcher = new Redis(server.url);
      const monitor = await watcher.monitor();
      let readAhead = false;
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() === 'zrangebyscore' && args[2] !== '-inf') readAhead = true;
      });
      await redis.call('CLIENT', 'PAUSE', '1000', 'WRITE');
      await s.press(KEY.enter);
      await waitFor(() => readAhead, { message: 'the walk to read its second batch' });
      monitor.disconnect();
      watcher.disconnect();
      await s.press(KEY.escape);
      await shows(s, 'retried 1000 of 1000 dead jobs matching error:quota; stopped: R runs it again for the rest');
      expect(await redis.llen(keys.queueKey(prefix, 'email'))).toBe(1000);
      expect(await redis.zcard(keys.deadKey(prefix))).toBe(4000);
      // The search ran again over what is left; R takes the rest.
      await shows(s, 'searched all 4,000 · 4,000 matches');
      await s.press('R');
      await type(s, '4000');
      await s.press(KEY.enter);
      await shows(s, 'retried 4000 of 4000 dead jobs matching error:quota');
      expect(await redis.llen(keys.queueKey(prefix, 'email'))).toBe(5000);
      expect(await redis.exists(keys.deadKey(prefix))).toBe(0);
    } finally {
      screen?.unmount();
      screen = undefined;
      redis.disconnect();
      await server.stop();
    }
  }, 60_000);
});

describe('opening any job', () => {
  it('a queued job from its queue, next to run first, and a busy worker\'s job with its worker and check-in', async () => {
    const pipe = t.redis.pipeline();
    for (let i = 0; i < 3; i++) pipe.lpush(keys.queueKey(t.prefix, 'email'), encodeJob(job({ id: `q${i}`, enqueuedAt: now() - 300 + i, args: { to: `user${i}@example.com` } })));
    pipe.sadd(keys.knownJobsKey(t.prefix), 'email');
    pipe.sadd(keys.workerPoolsKey(t.prefix), 'pool1');
    pipe.hset(keys.heartbeatKey(t.prefix, 'pool1'), { heartbeat_at: now(), started_at: now() - 50, job_names: 'email', concurrency: 2, worker_ids: 'w1,w2', host: 'box-1', pid: 4242 });
    pipe.hset(keys.observationKey(t.prefix, 'w1'), { job_name: 'email', job_id: 'busy1', started_at: now() - 5, args: '{"to":"x"}', checkin: 'halfway there', checkin_at: now() - 1 });
    pipe.hset(keys.observationKey(t.prefix, 'w2'), { job_name: 'email', job_id: 'stuck1', started_at: now() - 4000, args: '{}', checkin: 'waiting on lock', checkin_at: now() - 3000 });
    pipe.lpush(keys.inProgressKey(t.prefix, 'email', 'pool1'), encodeJob(job({ id: 'stuck1', fails: 2, lastError: 'earlier try failed', args: { big: true } })));
    await pipe.exec();
    const s = start({ view: 'queues' });
    await shows(s, /^> email\s+3/m);
    await s.press(KEY.enter);
    await shows(s, 'email: 3 waiting · next to be taken first');
    // The oldest job is taken next, so it is listed first.
    expect(plain(s.frame())).toMatch(/>\s+0\s+q0\b/);
    await s.press('j', KEY.enter);
    await shows(s, 'Waiting     in email, 1 ahead of it');
    expect(plain(s.frame())).toContain('"to": "user1@example.com"');
    await s.press(KEY.escape);
    await shows(s, 'email: 3 waiting');
    await s.press(KEY.escape);
    await shows(s, /Queue\s+Queued/);

    // Workers: the stuck job first (longest running), opened with its pool, host and check-in.
    await s.press('4');
    await shows(s, 'Running↓');
    expect(plain(s.frame())).toMatch(/^> email\s+stuck1/m);
    await s.press(KEY.enter);
    await shows(s, 'Last error  earlier try failed');
    const frame = plain(s.frame());
    expect(frame).toContain('Job         email (in progress)');
    expect(frame).toContain('Worker      w2 in pool pool1 on box-1 (pid 4242)');
    expect(frame).toMatch(/Check-in {4}waiting on lock \(50m0\ds ago\)/);
    expect(frame).toContain('Fails       2');
  });

  it('runs a retry job now with n (fails kept), and deletes a scheduled one from its open view', async () => {
    await t.redis.zadd(keys.retryKey(t.prefix), now() + 600, encodeJob(job({ name: 'webhook', id: 'r1', fails: 1, lastError: '503' })));
    const scheduled = encodeJob(job({ name: 'report', id: 's1' }));
    await t.redis.zadd(keys.scheduledKey(t.prefix), now() + 600, scheduled);
    const s = start({ view: 'retry' });
    await shows(s, 'r1');
    await s.press(KEY.enter);
    await shows(s, 'Retry at');
    await s.press('n');
    await shows(s, 'Run retry job webhook (r1) now? (y/n)');
    await s.press('y');
    await shows(s, 'moved retry job webhook (r1) to its queue');
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    const [moved] = await t.redis.lrange(keys.queueKey(t.prefix, 'webhook'), 0, -1);
    expect(JSON.parse(moved!)).toMatchObject({ id: 'r1', fails: 1, err: '503' });

    await s.press('6');
    await shows(s, 's1');
    await s.press(KEY.enter);
    await shows(s, 'Runs at');
    await s.press('d');
    await shows(s, 'Delete scheduled job report (s1)? (y/n)');
    await s.press('y');
    await shows(s, 'deleted scheduled job report (s1)');
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(0);
  });

  it(':job ID finds a job wherever it is and opens it; :queue NAME opens a queue', async () => {
    await seedDead(30);
    await t.redis.lpush(keys.queueKey(t.prefix, 'resize'), encodeJob(job({ name: 'resize', id: 'img1' })));
    await t.redis.sadd(keys.knownJobsKey(t.prefix), 'resize');
    const s = start();
    await shows(s, 'Dead 30');
    await s.press(':');
    await type(s, 'job dead000027');
    await s.press(KEY.enter);
    await shows(s, 'job dead000027: dead');
    expect(plain(s.frame())).toContain('Job         email (dead)');
    await s.press(KEY.escape, ':');
    await type(s, 'queue resize');
    await s.press(KEY.enter);
    await shows(s, 'resize: 1 waiting');
    await s.press(':');
    await type(s, 'nonsense');
    await s.press(KEY.enter);
    await shows(s, 'unknown command :nonsense');
    await s.press(':');
    await type(s, 'context prod');
    await s.press(KEY.enter);
    await shows(s, 'this console cannot switch contexts');
  });
});

describe('acting on the matches of the retry and scheduled sets', () => {
  it('R runs exactly the matches of a retry search now, fails kept; without a search it says to search first', async () => {
    const retry = keys.retryKey(t.prefix);
    const args: Array<string | number> = [];
    for (let i = 0; i < 40; i++) args.push(now() + 600 + i, encodeJob(job({ id: `r${String(i).padStart(3, '0')}`, fails: 1, lastError: 'smtp: 421 try later' })));
    const hooks = ['hook1', 'hook2', 'hook3'].map((id) => encodeJob(job({ name: 'webhook', id, fails: 2, lastError: '503 from hooks.example.com' })));
    for (const hook of hooks) args.push(now() + 900, hook);
    await t.redis.zadd(retry, ...args);
    const s = start({ view: 'retry' });
    await shows(s, 'r000');
    expect(plain(s.frame())).toContain('R run all');
    await s.press('R');
    await shows(s, 'R acts on the matches of a search: / first');
    expect(await t.redis.zcard(retry)).toBe(43);

    await s.press('/');
    await type(s, 'name:webhook');
    await s.press(KEY.enter);
    await shows(s, 'searched all 43 · 3 matches');
    // One match leaves the set before R: the report counts what moved, not what was typed.
    expect(await t.redis.zrem(retry, hooks[2]!)).toBe(1);
    await s.press('R');
    await shows(s, 'Run the 3 retry jobs matching name:webhook now? Type 3, Enter: ▏');
    await type(s, '3');
    await s.press(KEY.enter);
    await shows(s, 'moved 2 of 2 retry jobs matching name:webhook to their queues');
    const moved = (await t.redis.lrange(keys.queueKey(t.prefix, 'webhook'), 0, -1)).map((m) => JSON.parse(m) as { id: string; fails: number; err: string });
    expect(moved.map((m) => m.id).sort()).toEqual(['hook1', 'hook2']);
    expect(moved.every((m) => m.fails === 2 && m.err === '503 from hooks.example.com')).toBe(true);
    expect(await t.redis.zcard(retry)).toBe(40);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(0);
    await shows(s, 'searched all 40 · 0 matches');
  });

  it('D deletes exactly the matches of a scheduled search and frees the markers of unique ones', async () => {
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    const may = (await enqueuer.enqueueUniqueIn('report', 600, { month: 'may' }))!;
    await enqueuer.enqueueIn('report', 700, { month: 'may', region: 'eu' });
    const june = (await enqueuer.enqueueUniqueIn('report', 600, { month: 'june' }))!;
    for (let i = 0; i < 20; i++) await enqueuer.enqueueIn('digest', 800 + i, { n: i });
    const s = start({ view: 'scheduled' });
    await shows(s, '23 scheduled jobs');
    await s.press('/');
    await type(s, 'name:report may');
    await s.press(KEY.enter);
    await shows(s, 'searched all 23 · 2 matches');
    await s.press('D');
    await shows(s, 'Delete the 2 scheduled jobs matching may name:report? Type 2, Enter: ▏');
    await type(s, '2');
    await s.press(KEY.enter);
    await shows(s, 'deleted 2 of 2 scheduled jobs matching may name:report');
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(21);
    expect(await t.redis.exists(may.job.uniqueKey!)).toBe(0);
    expect(await t.redis.exists(june.job.uniqueKey!)).toBe(1);
    expect(await enqueuer.enqueueUniqueIn('report', 600, { month: 'may' })).not.toBeNull();
  });
});

describe('deleting from an open job', () => {
  it('d deletes a queued job by its bytes after asking, and says so when a pool took it first', async () => {
    const pipe = t.redis.pipeline();
    for (let i = 0; i < 3; i++) pipe.lpush(keys.queueKey(t.prefix, 'email'), encodeJob(job({ id: `q${i}`, enqueuedAt: now() - 300 + i })));
    pipe.sadd(keys.knownJobsKey(t.prefix), 'email');
    await pipe.exec();
    const ids = async () => (await t.redis.lrange(keys.queueKey(t.prefix, 'email'), 0, -1)).map((m) => (JSON.parse(m) as { id: string }).id);
    const s = start({ view: 'queues' });
    await shows(s, /^> email\s+3/m);
    await s.press(KEY.enter);
    await shows(s, 'email: 3 waiting');
    await s.press('j', KEY.enter);
    await shows(s, 'Waiting     in email, 1 ahead of it');
    expect(plain(s.frame())).toContain('d del');
    await s.press('d');
    await shows(s, 'Delete queued job email (q1)? (y/n)');
    await s.press('n');
    await shows(s, 'cancelled');
    expect(await ids()).toEqual(['q2', 'q1', 'q0']);
    await s.press('d', 'y');
    await shows(s, 'deleted queued job email (q1) from email');
    expect(await ids()).toEqual(['q2', 'q0']);

    // The next to run is opened; a pool takes it before the answer: nothing else is touched.
    await shows(s, 'email: 2 waiting');
    await s.press('k', KEY.enter);
    await shows(s, 'Waiting     in email, 0 ahead of it');
    await s.press('d');
    await shows(s, 'Delete queued job email (q0)? (y/n)');
    await t.redis.rpoplpush(keys.queueKey(t.prefix, 'email'), keys.inProgressKey(t.prefix, 'email', 'pool1'));
    await s.press('y');
    await shows(s, 'nothing deleted: queued job email (q0) is no longer in the queue');
    expect(await ids()).toEqual(['q2']);
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'email', 'pool1'))).toBe(1);
  });

  it('d on a job in progress deletes nothing, and its hint and status line say a worker is running it', async () => {
    const pipe = t.redis.pipeline();
    pipe.sadd(keys.workerPoolsKey(t.prefix), 'pool1');
    pipe.hset(keys.heartbeatKey(t.prefix, 'pool1'), { heartbeat_at: now(), started_at: now() - 50, job_names: 'email', concurrency: 1, worker_ids: 'w1', host: 'box-1', pid: 4242 });
    pipe.hset(keys.observationKey(t.prefix, 'w1'), { job_name: 'email', job_id: 'busy1', started_at: now() - 5, args: '{}', checkin: '', checkin_at: 0 });
    pipe.lpush(keys.inProgressKey(t.prefix, 'email', 'pool1'), encodeJob(job({ id: 'busy1' })));
    await pipe.exec();
    const s = start({ view: 'workers' });
    await shows(s, /^> email\s+busy1/m);
    await s.press(KEY.enter);
    await shows(s, 'Job         email (in progress)');
    await shows(s, 'd no del: running');
    await s.press('d');
    await shows(s, 'a worker is running this job: it cannot be deleted');
    expect(plain(s.frame())).not.toContain('(y/n)');
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'email', 'pool1'))).toBe(1);
  });
});

describe('queues you can act on', () => {
  it('purges a queue only once its name is typed, and sorts by wait with s', async () => {
    const pipe = t.redis.pipeline();
    for (const [name, count, age] of [['alpha', 2, 10], ['beta', 5, 900]] as const) {
      for (let i = 0; i < count; i++) pipe.lpush(keys.queueKey(t.prefix, name), encodeJob(job({ name, id: `${name}${i}`, enqueuedAt: now() - age })));
      pipe.sadd(keys.knownJobsKey(t.prefix), name);
    }
    await pipe.exec();
    const s = start({ view: 'queues' });
    await shows(s, /^> alpha/m);
    await s.press('s');
    await shows(s, 'sorted longest wait first');
    await shows(s, /^> beta/m);
    expect(plain(s.frame())).toContain('Latency↓');
    await s.press('P');
    await shows(s, 'Purge the 5 jobs of beta for good? Type its name, Enter: ▏');
    await type(s, 'bet');
    await s.press(KEY.enter);
    await shows(s, 'typed "bet", not "beta": nothing done');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'beta'))).toBe(5);
    await s.press('P');
    await shows(s, 'Type its name');
    await type(s, 'betax');
    await s.press(KEY.backspace, KEY.enter);
    await shows(s, 'purged beta: 5 jobs deleted');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'beta'))).toBe(0);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'alpha'))).toBe(2);
  });

  it('a read-only console refuses P, n and R on matches, and changes nothing', async () => {
    await seedDead(5, [1]);
    await t.redis.lpush(keys.queueKey(t.prefix, 'email'), encodeJob(job({ id: 'q1' })));
    await t.redis.zadd(keys.retryKey(t.prefix), now() + 60, encodeJob(job({ id: 'r1' })));
    const s = start({ view: 'queues', readOnly: true });
    await shows(s, /^> email/m);
    await s.press('P');
    await shows(s, 'read-only console: P (purge) is off');
    await s.press('5');
    await shows(s, 'r1');
    await s.press('n');
    await shows(s, 'read-only console: n (run now) is off');
    await s.press('7', '/');
    await type(s, 'quota');
    await s.press(KEY.enter);
    await shows(s, '1 match');
    await s.press('R');
    await shows(s, 'read-only console: R (retry all) is off');
    expect(plain(s.frame())).not.toContain('Type 1');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(1);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(1);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(5);
  });
});

describe('stats per job type', () => {
  it('counts what the console saw since it opened, and says so', async () => {
    await t.redis.hset(keys.processedCountKey(t.prefix), { email: 100, resize: 7 });
    await t.redis.hset(keys.failedCountKey(t.prefix), { email: 1 });
    const s = start({ view: 'stats', columns: 120, rows: 30 });
    await shows(s, 'since the console opened');
    expect(plain(s.frame())).toContain('not durable');
    await t.redis.hincrby(keys.processedCountKey(t.prefix), 'email', 60);
    await t.redis.hincrby(keys.failedCountKey(t.prefix), 'email', 6);
    // 60 runs and 6 failures between two refreshes a fraction of a second apart: a high rate, and a bar in the sparkline.
    await shows(s, /email\s+\d{3,}\s+\d+/);
    const line = plain(s.frame()).split('\n').find((l) => /^\S*\s*email\s/.test(l))!;
    expect(line).toMatch(/[▂▃▄▅▆▇█]/);
    expect(plain(s.frame())).toMatch(/resize\s+0\s+0\s/);
  });

  it('reads the durable counters when Redis has them', async () => {
    const [seconds] = await t.redis.time();
    const minute = Number(seconds) - (Number(seconds) % 60);
    await t.redis.hset(keys.metricsMinuteKey(t.prefix, minute), { 'done:email': '120', 'failed:email': '3', 'run:6:email': '120', 'lat:1:email': '120' });
    const s = start({ view: 'stats', columns: 120, rows: 30 });
    await shows(s, 'from the durable counters in Redis');
    expect(plain(s.frame())).toMatch(/email\s+\d+/);
  });
});

describe.each([
  [60, 15],
  [80, 24],
  [200, 60],
])('the new screens at %ix%i', (columns, rows) => {
  it('fit: a search, the stats, an opened queue, a question and the help', async () => {
    await seedDead(60, [59]);
    await t.redis.lpush(keys.queueKey(t.prefix, '日本語のとても長いキューの名前-🚀-emails-and-more-end'), encodeJob(job({ name: 'x', id: 'q1' })));
    await t.redis.sadd(keys.knownJobsKey(t.prefix), '日本語のとても長いキューの名前-🚀-emails-and-more-end');
    const s = start({ view: 'dead', columns, rows });
    await shows(s, '60 dead jobs');
    await s.press('/');
    await type(s, 'error:"disk quota" name:email');
    expectFits(s.frame(), columns, rows);
    await s.press(KEY.enter);
    await shows(s, '1 match');
    expectFits(s.frame(), columns, rows);
    await s.press('R');
    await shows(s, 'Type 1');
    expectFits(s.frame(), columns, rows);
    await s.press(KEY.escape);
    await s.press('8');
    await shows(s, 'Per job type');
    expectFits(s.frame(), columns, rows);
    await s.press('2');
    await shows(s, 'Queue');
    await s.press('j', KEY.enter);
    await shows(s, '1 waiting');
    expectFits(s.frame(), columns, rows);
    await s.press('P');
    await shows(s, 'Type purge');
    expectFits(s.frame(), columns, rows);
    await s.press(KEY.escape);
    await s.press('?');
    await shows(s, 'Keys (Queues view)');
    expectFits(s.frame(), columns, rows);
  });
});
