// The built `work top` in a real terminal (tmux, 80x24) against a seeded Redis:
// press keys as an operator would and read the screen back.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer.js';
import { encodeJob } from '../../src/engine/job.js';
import * as keys from '../../src/engine/keys.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const cli = fileURLToPath(new URL('../../dist/commands/cli.js', import.meta.url));

let t: TestRedis;
// A private tmux server, so the test never touches the user's sessions.
const socket = `work-test-${randomBytes(4).toString('hex')}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => {
  try {
    return tmux('capture-pane', '-p', '-t', 'top');
  } catch {
    return '';
  }
};
const screenShows = (text: string) => waitFor(() => screen().includes(text), { timeoutMs: 15_000, message: `"${text}" on screen:\n${screen()}` });
const keysIn = (...k: string[]) => tmux('send-keys', '-t', 'top', ...k);

beforeEach(async () => {
  t = await testRedis('tmux');
});

afterEach(async () => {
  spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  await t.cleanup();
});

describe.skipIf(!hasTmux)('work top in a real terminal', () => {
  it('pauses a queue, retries a dead job and deletes one after confirming', async () => {
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueueBulk([{ name: 'alpha' }, { name: 'beta' }]);
    const now = Math.floor(Date.now() / 1000);
    for (const id of ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2']) {
      await t.redis.zadd(
        keys.deadKey(t.prefix),
        now - 10,
        encodeJob({ name: 'beta', id, enqueuedAt: now - 20, args: { id }, unique: false, fails: 4, lastError: 'gave up', failedAt: now - 10 }),
      );
    }
    const command = [process.execPath, cli, 'top', '--redis', redisUrl(), '-n', t.namespace, '--interval', '0.5']
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    tmux('new-session', '-d', '-s', 'top', '-x', '80', '-y', '24', command);
    await screenShows('live');
    expect(screen()).toContain('Dead              2');

    keysIn('2');
    await screenShows('Queue');
    keysIn('j', 'p');
    await screenShows('paused beta');
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'beta'))).toBe(1);

    keysIn('7');
    await screenShows('aaaaaaaaaaaaaaaaaaaaaaa1');
    keysIn('r');
    await screenShows('retried dead job aaaaaaaaaaaaaaaaaaaaaaa1');
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'beta'))).toBe(2);

    keysIn('d');
    await screenShows('Delete dead job beta aaaaaaaaaaaaaaaaaaaaaaa2? (y/n)');
    keysIn('y');
    await screenShows('deleted dead job aaaaaaaaaaaaaaaaaaaaaaa2');
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(0);

    // Every line fits the 80-column terminal; q leaves and restores the screen.
    for (const line of screen().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    keysIn('q');
    await waitFor(() => spawnSync('tmux', ['-L', socket, 'has-session', '-t', 'top'], { stdio: 'ignore' }).status !== 0, {
      timeoutMs: 5000,
      message: 'work top to exit',
    });
  });
});
