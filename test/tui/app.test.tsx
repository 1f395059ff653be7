// The console rendered with ink-testing-library against a real, seeded Redis:
// every view, and every action key checked against Redis afterwards.
import { render } from 'ink-testing-library';
import React from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import * as keys from '../../src/engine/codec/keys.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import { App } from '../../src/tui/app.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const KEY = { tab: '\t', enter: '\r', escape: '\u001b', down: '\u001b[B', right: '\u001b[C' };

let t: TestRedis;
let client: Client;
let app: ReturnType<typeof render> | undefined;

async function seedDead(count: number, name = 'email'): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const ids: string[] = [];
  const pipe = t.redis.pipeline();
  for (let i = 0; i < count; i++) {
    const id = `dead${String(i).padStart(20, '0')}`;
    ids.push(id);
    const member = encodeJob({ name, id, enqueuedAt: now - 60, args: { i }, unique: false, fails: 4, lastError: `boom ${i}`, failedAt: now - 30 + i });
    pipe.zadd(keys.deadKey(t.prefix), now - 30 + i, member);
  }
  pipe.sadd(keys.knownJobsKey(t.prefix), name);
  await pipe.exec();
  return ids;
}

function start(view?: Parameters<typeof App>[0]['initialView']) {
  app = render(<App client={client} namespace={t.namespace} intervalMs={100} color={false} initialView={view} />);
  return app;
}

const frame = () => app?.lastFrame() ?? '';
const press = async (...inputs: string[]) => {
  for (const input of inputs) {
    app!.stdin.write(input);
    // Let Ink's input handler run before the next key.
    await new Promise((resolve) => setImmediate(resolve));
  }
};
const screenShows = (text: string) => waitFor(() => frame().includes(text), { message: `screen to show "${text}"\n${frame()}` });

beforeEach(async () => {
  t = await testRedis('tui');
  client = new Client({ redis: t.redis, namespace: t.namespace });
});

afterEach(async () => {
  app?.unmount();
  app = undefined;
  await t.cleanup();
});

describe('work top views', () => {
  it('shows the overview with counts, pools and the Redis version', async () => {
    await seedDead(3);
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueIn('later', 600, {});
    start();
    await screenShows('Dead 3');
    expect(frame()).toContain('Scheduled 1');
    expect(frame()).toMatch(/Redis \d+\.\d+/);
    expect(frame()).toContain('live');
  });

  it('lists queues with counts and pauses/unpauses the selected one with p', async () => {
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueueBulk([{ name: 'alpha' }, { name: 'beta' }, { name: 'beta' }]);
    start('queues');
    await screenShows('beta');
    await press('j', 'p');
    await screenShows('paused beta');
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'beta'))).toBe(1);
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'alpha'))).toBe(0);
    // p toggles what the screen shows: wait for the refresh that shows beta paused.
    await waitFor(() => /beta\s+2\s+\S+\s+0\s+paused/.test(frame()), { message: 'beta shown as paused' });
    await press('p');
    await screenShows('unpaused beta');
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'beta'))).toBe(0);
  });

  it('switches views with number keys and Tab, and shows pools and busy workers', async () => {
    const pipe = t.redis.pipeline();
    const now = Math.floor(Date.now() / 1000);
    pipe.sadd(keys.workerPoolsKey(t.prefix), 'pool1');
    pipe.hset(keys.heartbeatKey(t.prefix, 'pool1'), { heartbeat_at: now, started_at: now - 50, job_names: 'email', concurrency: 2, worker_ids: 'w1,w2', host: 'box-1', pid: 4242 });
    pipe.hset(keys.observationKey(t.prefix, 'w1'), { job_name: 'email', job_id: 'job-77', started_at: now - 5, args: '{"to":"x"}', checkin: 'halfway there', checkin_at: now - 1 });
    await pipe.exec();
    start();
    await press('3');
    await screenShows('box-1');
    expect(frame()).toContain('4242');
    await press(KEY.tab);
    await screenShows('halfway there');
    expect(frame()).toContain('job-77');
  });

  it('pages through dead jobs and opens one with Enter', async () => {
    await seedDead(25);
    start('dead');
    await screenShows('page 1 of 2');
    expect(frame()).toContain('dead00000000000000000000');
    await press(KEY.right);
    await screenShows('page 2 of 2');
    await screenShows('dead00000000000000000020');
    await press(KEY.enter);
    await screenShows('Last error  boom 20');
    await press(KEY.escape);
    await screenShows('page 2 of 2');
  });

  it('retries the selected dead job with r after naming it and asking', async () => {
    const [first] = await seedDead(2);
    start('dead');
    await screenShows(first!);
    await press('r');
    await screenShows(`Retry dead job email (${first})? (y/n)`);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(2);
    await press('y');
    await screenShows(`retried dead job email (${first})`);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(1);
  });

  it('deletes one job only after y, and keeps it after n', async () => {
    const [first, second] = await seedDead(2);
    start('dead');
    await screenShows(first!);
    await press('d');
    await screenShows(`Delete dead job email (${first})? (y/n)`);
    await press('n');
    await screenShows('cancelled');
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(2);
    await press('d', 'y');
    await screenShows(`deleted dead job email (${first})`);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
    await screenShows(second!);
  });

  it('retries all dead jobs with R after confirmation, and deletes all with D', async () => {
    await seedDead(30);
    start('dead');
    await screenShows('30 dead jobs');
    await press('R');
    await screenShows('Retry all 30 dead jobs? (y/n)');
    await press('y');
    await screenShows('retried 30 of 30 dead jobs');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(30);
    await seedDead(5);
    await screenShows('5 dead jobs');
    await press('D');
    await screenShows('Delete all 5 dead jobs for good? (y/n)');
    await press('y');
    await screenShows('deleted 5 dead jobs');
    expect(await t.redis.exists(keys.deadKey(t.prefix))).toBe(0);
  });

  it('filters rows with / and shows help from the keymap with ?', async () => {
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueueBulk([{ name: 'alpha' }, { name: 'beta' }]);
    start('queues');
    await screenShows('alpha');
    await press('/', 'b', 'e', KEY.enter);
    await waitFor(() => !frame().includes('alpha') && frame().includes('beta'), { message: 'filtered view' });
    await press('?');
    await screenShows('Filter the rows by name (Enter keeps it, Esc clears it)');
    await press(KEY.escape);
    await screenShows('beta');
  });

  it('fits 24 rows in every view, even with more jobs than lines', async () => {
    await seedDead(30);
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueBulk(Array.from({ length: 40 }, (_, i) => ({ name: `q${i}` })));
    start('dead');
    await screenShows('30 dead jobs');
    for (const view of ['1', '2', '3', '4', '5', '6', '7']) {
      await press(view);
      await waitFor(() => frame().includes('q quit'));
      const lines = frame().split('\n');
      expect(lines.length, `view ${view}`).toBeLessThanOrEqual(24);
      expect(lines[lines.length - 1], `view ${view}`).toContain('q quit');
    }
  });

  it('shows an error in the status line instead of crashing', async () => {
    await seedDead(1);
    start('dead');
    await screenShows('dead00000000000000000000');
    await t.redis.del(keys.deadKey(t.prefix));
    await press('r', 'y');
    await screenShows('nothing retried');
  });

  it('says "disconnected, retrying" when Redis is lost, and recovers', async () => {
    const own = t.connect();
    const flaky = new Client({ redis: own, namespace: t.namespace });
    app = render(<App client={flaky} namespace={t.namespace} intervalMs={100} color={false} />);
    await screenShows('live');
    own.disconnect();
    await screenShows('disconnected, retrying');
    await own.connect();
    await screenShows('live');
  });
});
