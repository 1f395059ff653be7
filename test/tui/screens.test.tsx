// The console at the sizes operators use (60x15 to 200x60) on a seeded Redis
// whose names and errors are hostile: every frame fits, nothing from Redis
// reaches the terminal raw, and the first screen says what is wrong.
import React from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { textWidth } from '../../src/support/fit.js';
import { App } from '../../src/tui/app.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';
import { renderSized, type SizedScreen } from './sized-render.js';

const HOSTILE_ERR = 'smtp failed \x1b]0;owned\x07\x1b[2J\x1b]52;c;aGVsbG8=\x07\u009b31m\u202eevil';
const WIDE = '日本語のとても長いキューの名前-🚀-emails-and-more-end';

let t: TestRedis;
let screen: SizedScreen | undefined;

beforeEach(async () => {
  t = await testRedis('screens');
});

afterEach(async () => {
  screen?.unmount();
  screen = undefined;
  await t.cleanup();
});

async function seed(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const pipe = t.redis.pipeline();
  const queue = (name: string, count: number, age: number) => {
    for (let i = 0; i < count; i++) pipe.lpush(keys.queueKey(t.prefix, name), encodeJob({ name, id: `${i}`.padStart(24, 'q'), enqueuedAt: now - age, args: {}, unique: false, fails: 0 }));
    pipe.sadd(keys.knownJobsKey(t.prefix), name);
  };
  queue('send_email', 120, 300);
  queue(WIDE, 7, 40);
  queue('resize', 3, 5);
  queue('evil\x1b]0;queue-title\x07name', 1, 1);
  pipe.set(keys.pausedKey(t.prefix, 'resize'), '1');
  for (let i = 0; i < 3; i++) {
    const lastError = i === 0 ? HOSTILE_ERR : 'E'.repeat(5000);
    pipe.zadd(keys.deadKey(t.prefix), now - 10, encodeJob({ name: i === 2 ? WIDE : 'send_email', id: `dead${i}`.padEnd(24, '0'), enqueuedAt: now - 60, args: { i }, unique: false, fails: 4, lastError, failedAt: now - 10 }));
  }
  pipe.sadd(keys.workerPoolsKey(t.prefix), 'pool1');
  pipe.hset(keys.heartbeatKey(t.prefix, 'pool1'), { heartbeat_at: now, started_at: now - 50, job_names: 'send_email', concurrency: 2, worker_ids: 'w1,w2', host: 'host\x1b[31m-1', pid: 4242 });
  pipe.hset(keys.observationKey(t.prefix, 'w1'), { job_name: 'send_email', job_id: 'job-77', started_at: now - 5, args: '{"to":"x"}', checkin: 'half \x1b]0;checkin\x07way', checkin_at: now - 1 });
  await pipe.exec();
}

function start(columns: number, rows: number, options: { view?: 'overview' | 'queues' | 'dead'; readOnly?: boolean } = {}): SizedScreen {
  const client = new Client({ redis: t.redis, namespace: t.namespace });
  screen = renderSized(
    <App client={client} namespace={t.namespace} intervalMs={100} color={false} initialView={options.view} readOnly={options.readOnly ?? false} />,
    columns,
    rows,
  );
  return screen;
}

const plain = (frame: string) => frame.replace(/\x1b\[[0-9;]*m/g, '');
const shows = (s: SizedScreen, text: string) => waitFor(() => plain(s.frame()).includes(text), { message: `"${text}" on screen:\n${plain(s.frame())}` });

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const line of lines) expect(textWidth(line), line).toBeLessThanOrEqual(columns - 1);
  // Only the styling Ink adds is left; nothing from Redis can start a sequence.
  expect(plain(frame)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
}

describe.each([
  [60, 15],
  [80, 24],
  [120, 40],
  [200, 60],
])('at %ix%i', (columns, rows) => {
  it('the overview names the busiest queue, dead count and pools, and every view fits', async () => {
    await seed();
    const s = start(columns, rows);
    await shows(s, 'busiest');
    const frame = plain(s.frame());
    expect(frame).toContain('Dead 3');
    expect(frame).toMatch(/busiest (and most delayed )?send_email/);
    // The first queue row is the one in most trouble.
    const header = frame.split('\n').findIndex((l) => /^\s*Queue\s+Queued/.test(l));
    expect(header).toBeGreaterThan(0);
    expect(frame.split('\n')[header + 1]).toMatch(/^\s*send_email\s+120\b/);
    if (rows >= 24) expect(frame).toMatch(/Pools\b.*\n.*Pool\s+Host/);
    expectFits(s.frame(), columns, rows);
    for (const key of ['2', '3', '4', '5', '6', '7', '?']) {
      await s.press(key);
      await waitFor(() => plain(s.frame()).includes('q quit'), { message: `view ${key}` });
      expectFits(s.frame(), columns, rows);
    }
  });

  it('keeps the queue columns aligned with a long CJK and emoji name, and marks the selection', async () => {
    await seed();
    const s = start(columns, rows, { view: 'queues' });
    await shows(s, 'send_email');
    await s.press('j');
    await waitFor(() => /^> /m.test(plain(s.frame())), { message: 'a marked row' });
    const lines = plain(s.frame()).split('\n');
    const header = lines.find((l) => /Queue\s+Queued/.test(l))!;
    const queuedEnd = textWidth(header.slice(0, header.indexOf('Queued') + 'Queued'.length));
    const rowsShown = lines.filter((l) => /^[> ] \S/.test(l) && !l.includes('Queued'));
    expect(rowsShown.length).toBeGreaterThanOrEqual(3);
    for (const line of rowsShown) {
      // The count ends exactly under the end of "Queued", whatever the name's characters.
      const count = /^(.*?\S)\s+(\d+)/.exec(line)!;
      expect(textWidth(count[0]), line).toBe(queuedEnd);
    }
    expect(lines.filter((l) => l.startsWith('> '))).toHaveLength(1);
    expect(plain(s.frame())).toMatch(/日本|…/);
  });
});

describe('hostile text and long errors', () => {
  it('shows escapes in lists and in the open job, and a 5,000-character error as one line', async () => {
    await seed();
    const s = start(80, 24, { view: 'dead' });
    await shows(s, 'dead0');
    const frame = plain(s.frame());
    expect(frame).toContain('smtp failed \\x1b');
    // Each 5,000-character error is one row: its own job's line, cut with an ellipsis.
    const long = frame.split('\n').filter((l) => l.includes('EEEE'));
    expect(long).toHaveLength(2);
    for (const line of long) expect(line).toMatch(/dead[12]0+\s.*E+…\s*$/);
    await s.press('\r');
    await shows(s, 'Last error');
    expect(plain(s.frame())).toContain('\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07\\x9b31m\\u202eevil');
    expectFits(s.frame(), 80, 24);
    await s.press('\u001b');
    await s.press('j', '\r');
    await shows(s, 'lines 1-');
    await s.press('\u001b[6~');
    await waitFor(() => /lines (\d+)-/.exec(plain(s.frame()))?.[1] !== '1', { message: 'scrolled a screen' });
  });

  it('makes queue names, hosts and check-ins inert in the overview and the lists', async () => {
    await seed();
    const s = start(120, 40);
    await shows(s, 'busiest');
    expect(plain(s.frame())).toContain('host\\x1b[31m-1');
    expect(plain(s.frame())).toContain('half \\x1b]0;checkin\\x07way');
    expect(plain(s.frame())).toContain('evil\\x1b]0;queue-title\\x07name');
    expectFits(s.frame(), 120, 40);
  });
});

describe('read-only console', () => {
  it('refuses p, r, d, R and D, says so, and changes nothing in Redis', async () => {
    await seed();
    const s = start(80, 24, { view: 'queues', readOnly: true });
    await shows(s, 'read-only');
    expect(plain(s.frame())).not.toContain('p pause');
    await s.press('j', 'j', 'p');
    await shows(s, 'read-only console: p (pause/unpause) is off');
    for (const key of ['r', 'd', 'R', 'D']) {
      await s.press('7', key);
      await shows(s, `read-only console: ${key} (`);
      expect(plain(s.frame())).not.toContain('(y/n)');
    }
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(3);
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'send_email'))).toBe(0);
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'resize'))).toBe(1);
  });
});
