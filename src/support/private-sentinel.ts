// Starts and stops a throwaway Sentinel set-up on loopback: a master, a
// replica and three sentinels watching them (persistence off, files in a
// temporary directory), for the failover tests. Never touches a Redis it did
// not start.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer, stopProcess, type RedisServerHandle } from './private-redis.js';

export interface SentinelHandle {
  /** redis+sentinel://127.0.0.1:s1,…/NAME */
  url: string;
  name: string;
  servers: RedisServerHandle[];
  sentinels: RedisServerHandle[];
  /** The server the sentinels call master now. */
  master(): Promise<RedisServerHandle>;
  stop(): Promise<void>;
}

export async function startRedisSentinel({ name = 'work-master', downAfterMs = 1000 } = {}): Promise<SentinelHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'work-sentinel-'));
  const servers: RedisServerHandle[] = [];
  const sentinels: RedisServerHandle[] = [];
  const stopAll = async () => {
    await Promise.all([...sentinels, ...servers].map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await startRedisServer(['--dir', dir]);
    servers.push(master);
    servers.push(await startRedisServer(['--dir', dir, '--dbfilename', 'replica.rdb', '--replicaof', '127.0.0.1', String(master.port)]));
    for (let i = 0; i < 3; i++) {
      const config = join(dir, `sentinel-${i}.conf`);
      writeFileSync(
        config,
        [
          `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
          `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(await startSentinel(config));
    }
    await waitFor(async () => (await otherSentinels(sentinels[0]!.port, name)) === 2, 'the sentinels to find each other');
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${name}`,
    name,
    servers,
    sentinels,
    async master() {
      const [, port] = (await ask(sentinels.find((s) => s.process.exitCode === null)!.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name])) as [string, string];
      const found = servers.find((s) => s.port === Number(port));
      if (!found) throw new Error(`the sentinels name an unknown master on port ${port}`);
      return found;
    },
    stop: stopAll,
  };
}

/** A sentinel is a redis-server started with --sentinel on a config file it may rewrite. */
async function startSentinel(config: string): Promise<RedisServerHandle> {
  // startRedisServer adds persistence flags a sentinel refuses; start it here on a port of its own.
  for (let attempt = 0; attempt < 5; attempt++) {
    const probe = await startRedisServer();
    const port = probe.port;
    await probe.stop();
    const child = spawn('redis-server', [config, '--sentinel', '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    try {
      await waitFor(async () => (await ask(port, ['PING'])) === 'PONG', 'a sentinel to listen', 5000);
    } catch {
      child.kill('SIGKILL');
      continue;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      process: child,
      stop: () => stopProcess(child),
    };
  }
  throw new Error('could not start a sentinel');
}

async function otherSentinels(port: number, name: string): Promise<number> {
  const reply = (await ask(port, ['SENTINEL', 'MASTER', name])) as string[];
  const i = reply.indexOf('num-other-sentinels');
  return i < 0 ? 0 : Number(reply[i + 1]);
}

async function ask(port: number, command: string[]): Promise<unknown> {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.call(command[0]!, ...command.slice(1));
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
