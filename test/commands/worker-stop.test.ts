// `work worker` stopped by SIGTERM while its Redis is gone: the grace period
// holds whatever Redis does, and the last line says what was left behind.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { lockKey } from '../../src/engine/codec/keys.js';
import { startRedisServer } from '../../src/support/private-redis.js';
import { collect, startCli } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'work-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('work worker, SIGTERM while Redis is down', () => {
  it('exits within --grace plus the Redis timeout and names the jobs left in progress', async () => {
    const server = await startRedisServer();
    const path = join(dir, 'hang.mjs');
    writeFileSync(path, `export const jobs = { hang: (job) => new Promise((r) => job.signal.addEventListener('abort', r)) };`);
    const enqueuer = new Enqueuer({ redis: server.url, namespace: 'stop' });
    try {
      await enqueuer.enqueue('hang', {});
      const child = startCli(['worker', path, '--grace', '1', '--redis', server.url, '-n', 'stop']);
      const result = collect(child, Date.now(), { timeoutMs: 20_000 });
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += String(c)));
      const redis = new Redis(server.url);
      await waitFor(async () => (await redis.get(lockKey('stop:', 'hang'))) === '1', { message: 'the job to start' });
      redis.disconnect();
      await waitFor(() => stderr.includes('started'), { message: 'the start line' });
      await server.stop();
      child.kill('SIGTERM');
      const { code, ms } = await result;
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/1 job\(s\) left in this pool's in-progress lists; another pool's reaper rescues them/);
      expect(ms).toBeLessThan(15_000);
      // The commands the stop gave up on fail as it drops the connection: no noise about them.
      expect(stderr).not.toMatch(/Connection is closed/);
    } finally {
      await server.stop();
      await enqueuer.close().catch(() => undefined);
    }
  });
});
