import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

function redisServerPids(): string[] {
  try {
    return execFileSync('pgrep', ['-x', 'redis-server'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe.skipIf(!hasRedisServer)('work demo', () => {
  it('starts a private redis-server when nothing answers, runs sample jobs, and removes it on exit', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const before = redisServerPids();
    const { code, stdout, stderr } = await runCli(['demo', '--redis', `redis://127.0.0.1:${port}`, '--duration', '4'], { timeoutMs: 30_000 });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('starting a private redis-server');
    // Without a terminal it prints counts; jobs were processed meanwhile.
    expect(stdout).toMatch(/retry \d+ {3}scheduled \d+ {3}dead \d+/);
    expect(redisServerPids().sort()).toEqual(before.sort());
  });
});
