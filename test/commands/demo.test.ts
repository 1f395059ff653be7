import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** PIDs of redis-server processes listening on this port (their title is "redis-server 127.0.0.1:PORT"). */
function redisServersOn(port: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
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
    const { code, stdout, stderr } = await runCli(['demo', '--redis', `redis://127.0.0.1:${port}`, '--duration', '4'], { timeoutMs: 30_000 });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('starting a private redis-server');
    // Without a terminal it prints counts; jobs were processed meanwhile.
    expect(stdout).toMatch(/retry \d+ {3}scheduled \d+ {3}dead \d+/);
    const privatePort = /private redis-server \(redis:\/\/127\.0\.0\.1:(\d+)\)/.exec(stderr)?.[1];
    expect(privatePort, stderr).toBeDefined();
    expect(redisServersOn(privatePort!)).toEqual([]);
  });
});
