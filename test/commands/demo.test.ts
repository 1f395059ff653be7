// `work demo` writes sample jobs only into a Redis the user named, or into a
// private redis-server of its own: never into whatever answers on 6379.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { namespacePrefix } from '../../src/engine/codec/keys.js';
import { startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';
import { collect, runCli, startCli } from '../support/cli.js';
import { namespaceKeys } from '../support/redis.js';
import { waitFor } from '../support/wait.js';
import { closedPort } from './closed-port.js';

const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
const DEFAULT_PORT = 6379;

/** PIDs of redis-server processes listening on this port (their title is "redis-server 127.0.0.1:PORT"). */
function redisServersOn(port: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * The remote TCP ports of a process's own sockets, read from /proc: its file
 * descriptors name socket inodes, and /proc/PID/net/tcp maps inodes to
 * addresses. Empty once the process is gone.
 */
function remotePorts(pid: number): number[] {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      })();
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
    const ports: number[] = [];
    for (const table of ['tcp', 'tcp6']) {
      const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
      for (const line of lines) {
        const fields = line.trim().split(/\s+/);
        if (inodes.has(fields[9]!)) ports.push(parseInt(fields[2]!.split(':')[1]!, 16));
      }
    }
    return ports;
  } catch {
    return [];
  }
}

let own: RedisServerHandle | undefined;
afterEach(async () => {
  await own?.stop();
  own = undefined;
});

describe.skipIf(!hasRedisServer)('work demo', () => {
  it('with no Redis named, starts a private redis-server, runs the sample jobs there, never connects to 6379, and removes it on exit', async () => {
    const child = startCli(['demo', '--duration', '4']);
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += String(c)));
    const done = collect(child, Date.now(), { timeoutMs: 30_000 });
    // Sample the demo's sockets all along: a connection to the default port would be held for the whole run.
    const seen = new Set<number>();
    const sampler = setInterval(() => {
      for (const port of remotePorts(child.pid!)) seen.add(port);
    }, 20);
    try {
      const privatePort = await waitFor(() => /private redis-server \(redis:\/\/127\.0\.0\.1:(\d+)\)/.exec(stderr)?.[1], { message: 'the private server' });
      // The jobs go to the private server: the demo's namespace fills there.
      const probe = new Redis(Number(privatePort), '127.0.0.1', { maxRetriesPerRequest: 1 });
      probe.on('error', () => undefined);
      try {
        await waitFor(async () => (await probe.hget(`${namespacePrefix('work-demo')}stats:processed`, 'send_email')) !== null, {
          message: 'sample jobs processed on the private server',
        });
      } finally {
        probe.disconnect();
      }
      const { code, stdout } = await done;
      expect(code, stderr).toBe(0);
      expect(stderr).toContain('no Redis named');
      expect(stdout).toMatch(/retry \d+ {3}scheduled \d+ {3}dead \d+/);
      if (existsSync(`/proc/${process.pid}/net/tcp`)) {
        expect(seen.has(Number(privatePort)), `ports seen: ${[...seen].join(', ')}`).toBe(true);
        expect(seen.has(DEFAULT_PORT)).toBe(false);
      }
      expect(redisServersOn(privatePort)).toEqual([]);
    } finally {
      clearInterval(sampler);
    }
  });

  it('uses the Redis it is given, prints a JSON line per refresh with --json, and leaves other servers alone', async () => {
    own = await startRedisServer();
    const bystander = await startRedisServer();
    try {
      const { code, stdout, stderr } = await runCli(['demo', '--json', '--duration', '3'], { env: { REDIS_URL: own.url }, timeoutMs: 30_000 });
      expect(code, stderr).toBe(0);
      expect(stderr).not.toContain('private redis-server');
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { namespace: string; queues: Array<{ jobName: string; count: number }>; dead: number });
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines[0]!.namespace).toBe('work-demo');
      expect(lines.at(-1)!.queues.map((q) => q.jobName)).toContain('send_email');
      const named = new Redis(own.url);
      const other = new Redis(bystander.url);
      try {
        expect(await named.hget(`${namespacePrefix('work-demo')}stats:processed`, 'send_email')).not.toBeNull();
        expect(await namespaceKeys(other, namespacePrefix('work-demo'))).toEqual([]);
        expect(await other.dbsize()).toBe(0);
      } finally {
        named.disconnect();
        other.disconnect();
      }
    } finally {
      await bystander.stop();
    }
  });

  it('a named Redis that does not answer is exit 3, with no private server in its place', async () => {
    const port = await closedPort();
    const { code, stderr } = await runCli(['demo', '--redis', `redis://127.0.0.1:${port}`, '--duration', '2'], { timeoutMs: 30_000 });
    expect(code).toBe(3);
    expect(stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(stderr).not.toContain('private redis-server');
  });
});
