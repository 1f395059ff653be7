// `work worker` while its Redis goes away and comes back: one line when the
// connection drops, one when it is back with how long it was down, and none
// of the background steps' retry noise in between.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';
import { collect, startCli } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

let server: RedisServerHandle | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function handlersModule(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'work-outage-')), 'handlers.mjs');
  writeFileSync(file, 'export const jobs = { email: () => {} };');
  return file;
}

/** Runs a worker on a private server, stops that server for `downMs`, restarts it on the same port. */
async function outage(extraArgs: string[], downMs: number) {
  server = await startRedisServer();
  const { port } = server;
  const worker = startCli(['worker', handlersModule(), '--redis', server.url, ...extraArgs]);
  let stdout = '';
  let stderr = '';
  worker.stdout!.on('data', (c) => (stdout += String(c)));
  worker.stderr!.on('data', (c) => (stderr += String(c)));
  const done = collect(worker, Date.now(), { timeoutMs: 30_000 });
  await waitFor(() => stderr.includes('started'), { message: 'the worker to start' });
  await server.stop();
  const stoppedAt = Date.now();
  await waitFor(() => /redis:down|connection lost/.test(stdout), { message: 'the outage line' });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, downMs - (Date.now() - stoppedAt))));
  server = await startRedisServer([], { port });
  await waitFor(() => /redis:up|connection back/.test(stdout), { message: 'the recovery line', timeoutMs: 15_000 });
  worker.kill('SIGTERM');
  const result = await done;
  return { ...result, downForMs: Date.now() - stoppedAt };
}

describe('work worker during a Redis outage', () => {
  it('logs one line when the connection drops and one when it is back, with the time it was down', async () => {
    const { code, stdout, stderr } = await outage([], 3000);
    expect(code, stderr).toBe(0);
    const lost = stdout.split('\n').filter((l) => l.includes('Redis connection lost'));
    const back = stdout.split('\n').filter((l) => l.includes('Redis connection back after'));
    expect(lost, stdout).toHaveLength(1);
    expect(back, stdout).toHaveLength(1);
    const seconds = Number(/back after ([\d.]+) s/.exec(back[0]!)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(2.9);
    expect(seconds).toBeLessThan(15);
    // The pool's own per-connection and per-step reports stay out of the log while down.
    expect(stderr).not.toMatch(/connection: |ECONNREFUSED|Unhandled error event/);
  });

  it('with --json the two lines are events with the time down in ms', async () => {
    const { code, stdout, stderr } = await outage(['--json'], 2000);
    expect(code, stderr).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; downMs?: number; error?: string; time: string });
    const down = events.filter((e) => e.event === 'redis:down');
    const up = events.filter((e) => e.event === 'redis:up');
    expect(down).toHaveLength(1);
    expect(down[0]!.error).toBeTruthy();
    expect(up).toHaveLength(1);
    expect(up[0]!.downMs).toBeGreaterThanOrEqual(1900);
    expect(Date.parse(up[0]!.time)).toBeGreaterThan(Date.parse(down[0]!.time));
  });
});
