// The built `work top` in a real terminal (tmux) against its own seeded
// private redis-server: press keys as an operator would, read the screen back,
// and check what the terminal itself did (title, clipboard, colours).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { textWidth } from '../../src/support/fit.js';
import { redisServerAvailable, startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';
import { deleteNamespace, freshNamespace } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const cli = fileURLToPath(new URL('../../dist/commands/cli.js', import.meta.url));
const pingProbe = fileURLToPath(new URL('../support/ping-probe.mjs', import.meta.url));

// A hostile last error: sets the window title, clears the screen, writes the clipboard.
const TITLE_TOKEN = `owned-${randomBytes(3).toString('hex')}`;
const HOSTILE_ERR = `smtp failed \x1b]0;${TITLE_TOKEN}\x07\x1b[2J\x1b]52;c;${Buffer.from('stolen').toString('base64')}\x07 end`;
const WIDE = '日本語のとても長いキューの名前-🚀-emails-and-more-end';

let server: RedisServerHandle;
let redis: Redis;
let namespace: string;
let prefix: string;

// A private tmux server without the user's config, so the test never touches their sessions.
const socket = `work-test-${randomBytes(4).toString('hex')}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const capture = (...flags: string[]) => {
  try {
    return tmux('capture-pane', '-p', ...flags, '-t', 'top');
  } catch {
    return '';
  }
};
const screen = () => capture();
const screenShows = (text: string | RegExp) =>
  waitFor(() => (typeof text === 'string' ? screen().includes(text) : text.test(screen())), { timeoutMs: 15_000, message: `${String(text)} on screen:\n${screen()}` });
const keysIn = (...k: string[]) => tmux('send-keys', '-t', 'top', ...k);
const running = () => spawnSync('tmux', ['-L', socket, 'has-session', '-t', 'top'], { stdio: 'ignore' }).status === 0;

function startTop(columns: number, rows: number, { env = {}, args = [] }: { env?: Record<string, string>; args?: string[] } = {}): void {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  // CI=true as many shells export it: the console must still draw live and in colour.
  const vars = Object.entries({ CI: 'true', ...env }).map(([k, v]) => `${k}=${v}`);
  const command = ['env', '-u', 'NO_COLOR', ...vars, process.execPath, cli, 'top', '--redis', server.url, '-n', namespace, '--interval', '0.5', ...args].map(quote).join(' ');
  tmux('new-session', '-d', '-s', 'top', '-x', String(columns), '-y', String(rows), command);
  // Programs may set the clipboard (OSC 52) in this server: a leak would show as a buffer.
  tmux('set-option', '-g', 'set-clipboard', 'on');
}

interface PingReport {
  pings: number;
  worstMs: number;
  /** The slowest PING less the time the probe or redis-server waited for a CPU meanwhile (see ping-probe.mjs). */
  worstBlockedMs: number;
  /** The run-queue waits could be read (Linux /proc); without them worstBlockedMs is the round trip. */
  scheduler: boolean;
}

/**
 * A separate client PINGing the server every 10 ms from its own process
 * (this one blocks in each synchronous tmux capture); report() stops it.
 */
async function startPingProbe(url: string): Promise<{ report(): Promise<PingReport> }> {
  const child = spawn(process.execPath, [pingProbe, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the PING probe exited');
    return value as string;
  };
  if ((await next()) !== 'ready') throw new Error('the PING probe did not start');
  return {
    async report() {
      child.stdin.write('report\n');
      return JSON.parse(await next()) as PingReport;
    },
  };
}

async function stopTop(): Promise<void> {
  if (!running()) return;
  keysIn('q');
  await waitFor(() => !running(), { timeoutMs: 5000, message: 'work top to exit' });
}

function expectFits(columns: number): void {
  for (const line of screen().split('\n')) expect(textWidth(line), line).toBeLessThanOrEqual(columns);
}

async function seed(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const pipe = redis.pipeline();
  const queue = (name: string, count: number, age: number) => {
    for (let i = 0; i < count; i++) pipe.lpush(keys.queueKey(prefix, name), encodeJob({ name, id: `${name.length}${i}`.padStart(24, 'q'), enqueuedAt: now - age, args: {}, unique: false, fails: 0 }));
    pipe.sadd(keys.knownJobsKey(prefix), name);
  };
  queue('send_email', 250, 400);
  queue(WIDE, 7, 30);
  queue('resize', 3, 5);
  for (const [i, lastError] of [HOSTILE_ERR, 'E'.repeat(5000)].entries()) {
    const id = `dead${i}`.padEnd(24, '0');
    pipe.zadd(keys.deadKey(prefix), now - 20 + i, encodeJob({ name: 'beta', id, enqueuedAt: now - 60, args: { id }, unique: false, fails: 4, lastError, failedAt: now - 20 + i }));
  }
  pipe.sadd(keys.workerPoolsKey(prefix), 'pool1');
  pipe.hset(keys.heartbeatKey(prefix, 'pool1'), { heartbeat_at: now, started_at: now - 50, job_names: 'send_email', concurrency: 2, worker_ids: 'w1,w2', host: 'box-1', pid: 4242 });
  await pipe.exec();
}

describe.skipIf(!hasTmux || !redisServerAvailable())('work top in a real terminal', () => {
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  afterEach(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    await deleteNamespace(redis, prefix);
  });

  it.each([
    [80, 24],
    [120, 40],
    [60, 15],
  ])('at %ix%i: names the busiest queue, marks the selection, keeps columns aligned and hostile text inert', async (columns, rows) => {
    namespace = freshNamespace('tmux');
    prefix = keys.namespacePrefix(namespace);
    await seed();
    startTop(columns, rows);
    const titleBefore = tmux('display', '-p', '-t', 'top', '#{host}').trim();

    // The first screen: the busiest queue by name, the dead count.
    await screenShows('busiest');
    expect(screen()).toMatch(/busiest (and most delayed )?send_email/);
    expect(screen()).toContain('Dead 2');
    expectFits(columns);
    // Colour, although CI=true is exported.
    expect(capture('-e')).toMatch(/\x1b\[[0-9;]*3[1-7]m/);

    // Queues: a marked, reverse-video selection; the counts line up under "Queued" whatever the name.
    keysIn('2');
    await screenShows(/Queue\s+Queued/);
    keysIn('j');
    await screenShows(/^> \S/m);
    const lines = screen().split('\n');
    expect(lines.filter((l) => l.startsWith('> '))).toHaveLength(1);
    const selected = capture('-e').split('\n').find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').startsWith('> '))!;
    expect(selected).toMatch(/\x1b\[[0-9;]*7[;m]/);
    const header = lines.find((l) => /Queue\s+Queued/.test(l))!;
    const queuedEnd = textWidth(header.slice(0, header.indexOf('Queued') + 'Queued'.length));
    const rowsShown = lines.filter((l) => /^[> ] \S.*\s\d+\b/.test(l));
    expect(rowsShown.some((l) => /日本|…/.test(l))).toBe(true);
    for (const line of rowsShown) expect(textWidth(/^(.*?\S)\s+(\d+)/.exec(line)![0]), line).toBe(queuedEnd);
    expectFits(columns);

    // Dead: the hostile error shows escaped; the terminal's title and clipboard are untouched.
    keysIn('7');
    await screenShows('dead00000000000000000000');
    expect(screen()).toMatch(/dead0{20}\s.*smtp/);
    keysIn('Enter');
    await screenShows('Last error');
    await screenShows(`\\x1b]0;${TITLE_TOKEN}\\x07`);
    expect(screen()).toContain('work top');
    expect(tmux('display', '-p', '-t', 'top', '#{pane_title}').trim()).toBe(titleBefore);
    expect(tmux('list-buffers')).toBe('');
    expectFits(columns);

    // Help is readable at any size: it scrolls.
    keysIn('Escape');
    await screenShows('page 1 of 1');
    keysIn('?');
    await screenShows('Keys (Dead view)');
    if (rows < 30) {
      await screenShows('lines 1-');
      keysIn('PageDown');
      await screenShows(/lines (?!1-)\d+-/);
    }
    expectFits(columns);
    await stopTop();
  }, 60_000);

  it('at 80x24: pauses a queue, retries and deletes a dead job only after naming it and asking', async () => {
    namespace = freshNamespace('tmux');
    prefix = keys.namespacePrefix(namespace);
    await new Enqueuer({ redis, namespace }).enqueueBulk([{ name: 'alpha' }, { name: 'beta' }]);
    const now = Math.floor(Date.now() / 1000);
    for (const id of ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2']) {
      await redis.zadd(keys.deadKey(prefix), now - 10, encodeJob({ name: 'beta', id, enqueuedAt: now - 20, args: { id }, unique: false, fails: 4, lastError: 'gave up', failedAt: now - 10 }));
    }
    startTop(80, 24, { env: { NO_COLOR: '1' } });
    await screenShows('live');
    expect(screen()).toContain('Dead 2');
    // NO_COLOR: no colour at all, yet the selection still shows.
    expect(capture('-e')).not.toMatch(/\x1b\[[0-9;]*3[1-7]m/);

    keysIn('2');
    await screenShows(/^> alpha/m);
    expect(capture('-e').split('\n').find((l) => l.includes('> alpha'))).toMatch(/\x1b\[[0-9;]*7[;m]/);
    keysIn('j');
    await screenShows(/^> beta/m);
    keysIn('p');
    await screenShows('paused beta');
    expect(await redis.exists(keys.pausedKey(prefix, 'beta'))).toBe(1);

    keysIn('7');
    await screenShows('aaaaaaaaaaaaaaaaaaaaaaa1');
    keysIn('r');
    await screenShows('Retry dead job beta (aaaaaaaaaaaaaaaaaaaaaaa1)? (y/n)');
    expect(await redis.zcard(keys.deadKey(prefix))).toBe(2);
    keysIn('y');
    await screenShows('retried dead job beta (aaaaaaaaaaaaaaaaaaaaaaa1)');
    expect(await redis.zcard(keys.deadKey(prefix))).toBe(1);
    expect(await redis.llen(keys.queueKey(prefix, 'beta'))).toBe(2);

    keysIn('d');
    await screenShows('Delete dead job beta (aaaaaaaaaaaaaaaaaaaaaaa2)? (y/n)');
    keysIn('y');
    await screenShows('deleted dead job beta (aaaaaaaaaaaaaaaaaaaaaaa2)');
    expect(await redis.zcard(keys.deadKey(prefix))).toBe(0);
    expectFits(80);
    await stopTop();
    // q leaves the alternate screen: the console's frame is gone from the pane.
  }, 60_000);

  it('at 80x24 on 200,000 dead jobs: / finds the matches at the end, Esc stops a search, R retries exactly the matches', async () => {
    namespace = freshNamespace('tmux');
    prefix = keys.namespacePrefix(namespace);
    const now = Math.floor(Date.now() / 1000);
    const total = 200_000;
    const quota = new Set([total - 10, total - 1]);
    for (let from = 0; from < total; from += 5000) {
      const members: Array<string | number> = [];
      for (let i = from; i < from + 5000; i++) {
        const id = `dj${String(i).padStart(22, '0')}`;
        members.push(now - 5000 + Math.floor(i / 50), encodeJob({ name: 'send_email', id, enqueuedAt: now - 6000, args: { n: i }, unique: false, fails: 4, lastError: quota.has(i) ? 'disk quota exceeded' : 'smtp: 421 try later', failedAt: now - 5000 }));
      }
      await redis.zadd(keys.deadKey(prefix), ...members);
    }
    startTop(80, 24);
    await screenShows('Dead 200000');
    keysIn('7');
    await screenShows('page 1 of 10000');

    // A search that every member matches takes a while: Esc stops it, and nothing changes.
    keysIn('/');
    keysIn('-l', 'smtp');
    keysIn('Enter');
    await screenShows(/searching [\d,]+ of 200,000/);
    keysIn('Escape');
    await screenShows(/stopped at [\d,]+ of 200,000/);
    keysIn('Escape');
    await screenShows('page 1 of 10000');

    // The search that finds the two jobs past page 9,999 keeps Redis answering a separate
    // client: no PING waits 50 ms on a command the search sent. (Time the probe or Redis
    // spent waiting for a CPU of a busy machine is not the search's; the probe leaves it out.)
    keysIn('/');
    keysIn('-l', 'error:disk quota');
    await screenShows('/error:disk quota▏');
    const probe = await startPingProbe(server.url);
    keysIn('Enter');
    await screenShows('searched all 200,000 · 2 matches');
    const pings = await probe.report();
    expect(screen()).toContain('dj0000000000000000199990');
    expect(screen()).toContain('dj0000000000000000199999');
    expect(pings.pings, JSON.stringify(pings)).toBeGreaterThanOrEqual(5); // it did probe during the search
    expect(pings.worstBlockedMs, JSON.stringify(pings)).toBeLessThan(50);
    expectFits(80);
    keysIn('Enter');
    await screenShows('Last error  disk quota exceeded');
    expectFits(80);
    keysIn('Escape');
    await screenShows('2 matches');

    keysIn('R');
    await screenShows('Retry the 2 dead jobs matching error:"disk quota"? Type 2, Enter: ▏');
    keysIn('2');
    keysIn('Enter');
    await screenShows('retried 2 of 2 dead jobs matching error:"disk quota"');
    expect(await redis.zcard(keys.deadKey(prefix))).toBe(total - 2);
    const queued = (await redis.lrange(keys.queueKey(prefix, 'send_email'), 0, -1)).map((m) => (JSON.parse(m) as { id: string }).id).sort();
    expect(queued).toEqual(['dj0000000000000000199990', 'dj0000000000000000199999']);
    await screenShows('searched all 199,998 · 0 matches');

    // The queue now holds them: opened from the queues view, the next to run first; then purged by name.
    keysIn('2');
    await screenShows(/^> send_email\s+2/m);
    keysIn('Enter');
    await screenShows('send_email: 2 waiting');
    keysIn('P');
    await screenShows('Purge the 2 jobs of send_email for good? Type its name, Enter: ▏');
    keysIn('-l', 'send_email');
    keysIn('Enter');
    await screenShows('purged send_email: 2 jobs deleted');
    expect(await redis.llen(keys.queueKey(prefix, 'send_email'))).toBe(0);

    keysIn('8');
    await screenShows('since the console opened');
    expectFits(80);
    await stopTop();
  }, 120_000);

  it(':context NAME switches Redis and namespace to a context of the config file without restarting', async () => {
    namespace = freshNamespace('tmux');
    prefix = keys.namespacePrefix(namespace);
    await seed();
    const other = freshNamespace('ctx');
    const config = mkdtempSync(join(tmpdir(), 'work-top-ctx-'));
    try {
      mkdirSync(join(config, 'work'));
      writeFileSync(join(config, 'work', 'config.json'), JSON.stringify({ contexts: { other: { redis: server.url, namespace: other } } }));
      const now = Math.floor(Date.now() / 1000);
      await redis.zadd(keys.deadKey(keys.namespacePrefix(other)), now, encodeJob({ name: 'ctxjob', id: 'ctx00000000000000000001', enqueuedAt: now, args: {}, unique: false, fails: 1, lastError: 'x', failedAt: now }));
      startTop(80, 24, { env: { XDG_CONFIG_HOME: config } });
      await screenShows('Dead 2');
      keysIn(':');
      keysIn('-l', 'context other');
      keysIn('Enter');
      await screenShows(`context other: namespace ${other}`);
      await screenShows('Dead 1');
      expect(screen()).toContain(`work top · ${other}`);
      keysIn('7');
      await screenShows('ctx00000000000000000001');
      keysIn(':');
      keysIn('-l', 'context nowhere');
      keysIn('Enter');
      await screenShows('nowhere');
      expect(screen()).toContain('ctx00000000000000000001');
      await stopTop();
    } finally {
      await deleteNamespace(redis, keys.namespacePrefix(other));
      rmSync(config, { recursive: true, force: true });
    }
  }, 60_000);

  it('with --read-only (or WORK_READ_ONLY=1) refuses p, r and d and says so', async () => {
    for (const how of [{ args: ['--read-only'] }, { env: { WORK_READ_ONLY: '1' } }]) {
      namespace = freshNamespace('tmux');
      prefix = keys.namespacePrefix(namespace);
      await seed();
      startTop(80, 24, how);
      await screenShows('read-only · live');
      keysIn('2');
      await screenShows(/^> \S/m);
      expect(screen()).not.toContain('p pause');
      keysIn('p');
      await screenShows('read-only console: p (pause/unpause) is off');
      keysIn('7');
      await screenShows('dead00000000000000000000');
      keysIn('r');
      await screenShows('read-only console: r (retry) is off');
      keysIn('d');
      await screenShows('read-only console: d (del) is off');
      expect(screen()).not.toContain('(y/n)');
      for (const queue of ['send_email', 'resize', WIDE]) expect(await redis.exists(keys.pausedKey(prefix, queue))).toBe(0);
      expect(await redis.zcard(keys.deadKey(prefix))).toBe(2);
      await stopTop();
      spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      await deleteNamespace(redis, prefix);
    }
  }, 60_000);
});
