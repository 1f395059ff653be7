// `work dead --all --json` streams: a set far larger than the heap it may
// use is listed whole, one JSON job a line, in constant memory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { runCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('stream');
});
afterEach(() => t.cleanup());

describe('work dead --all --json', () => {
  it('lists 300,000 dead jobs with a 48 MiB heap (collecting them would need several times that)', { timeout: 120_000 }, async () => {
    const total = 300_000;
    for (let start = 0; start < total; start += 10_000) {
      const members: Array<string | number> = [];
      for (let i = start; i < start + 10_000; i++) {
        const id = `j${String(i).padStart(23, '0')}`;
        members.push(i, encodeJob({ name: 'email', id, enqueuedAt: 1, args: { to: `user${i}@example.com`, n: i }, unique: false, fails: 4, lastError: 'mailbox full', failedAt: i }));
      }
      await t.redis.zadd(keys.deadKey(t.prefix), ...members);
    }
    const result = await runCli(['dead', '--all', '--json', '--redis', redisUrl(), '-n', t.namespace], {
      env: { NODE_OPTIONS: '--max-old-space-size=48' },
      timeoutMs: 110_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(total);
    expect(JSON.parse(lines[0]!)).toMatchObject({ id: 'j00000000000000000000000', args: { n: 0 } });
    expect(JSON.parse(lines[total - 1]!)).toMatchObject({ id: `j${String(total - 1).padStart(23, '0')}`, score: total - 1 });
  });
});
