// `work` runs as a Redis ACL user limited to the namespace's keys and channel
// and to the commands it needs (the line documented in the README).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keys from '../../src/engine/codec/keys.js';
import { collect, runCli, startCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

/** The README's ACL rule for a namespace, as arguments of ACL SETUSER. */
function aclRules(prefix: string): string[] {
  return [`~${prefix}*`, `&${prefix}*`, '-@all', '+@read', '+@write', '+@scripting', '+@pubsub', '+@connection', '+@transaction', '-@dangerous', '+info', '+time'];
}

// Changing ACLs is only for a server the tests started themselves.
const ownServer = !process.env.REDIS_URL;
let t: TestRedis;
let user: string;
let url: string;

beforeEach(async () => {
  t = await testRedis('acl');
  user = `work-${randomBytes(4).toString('hex')}`;
  if (ownServer) await t.redis.call('ACL', 'SETUSER', user, 'on', '>acl-pass-123', ...aclRules(t.prefix));
  const { port } = new URL(redisUrl());
  url = `redis://${user}:acl-pass-123@127.0.0.1:${port}`;
});

afterEach(async () => {
  if (ownServer) await t.redis.call('ACL', 'DELUSER', user);
  await t.cleanup();
});

describe.skipIf(!ownServer)('a Redis ACL user limited to the namespace', () => {
  it('can enqueue, run workers (retries, dead, periodic) and repair, with no permission denied', async () => {
    await t.redis.call('ACL', 'LOG', 'RESET');
    const common = ['--redis', url, '-n', t.namespace];
    const dir = mkdtempSync(join(tmpdir(), 'work-acl-'));
    const module = join(dir, 'handlers.mjs');
    writeFileSync(
      module,
      `export const jobs = { email: () => {}, boom: { maxFails: 1, handler: () => { throw new Error('nope'); } } };
       export const periodic = [{ spec: '*/5 * * * * *', job: 'email' }];`,
    );
    expect((await runCli(['enqueue', 'email', '--args', '{"to":"x"}', ...common])).code).toBe(0);
    expect((await runCli(['enqueue', 'boom', ...common])).code).toBe(0);
    expect((await runCli(['enqueue', 'email', '--unique', '--in', '60', ...common])).code).toBe(0);
    const worker = startCli(['worker', module, ...common]);
    const done = collect(worker, Date.now(), { timeoutMs: 20_000 });
    await waitFor(async () => (await t.redis.zcard(keys.deadKey(t.prefix))) === 1, { message: 'the failing job to die' });
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'email')) === '1');
    worker.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/NOPERM|no permissions/);

    for (const args of [['queues'], ['pools'], ['workers'], ['dead'], ['retry-dead', '--all'], ['delete-dead', '--all'], ['pause', 'email'], ['unpause', 'email']]) {
      const result = await runCli([...args, ...common, '--json']);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    expect(await t.redis.call('ACL', 'LOG')).toEqual([]);
  });
});
