// Starts and stops a throwaway redis-server (persistence off, loopback only): the
// test suite and `work demo` use it so they never write into a Redis they do not own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export interface RedisServerHandle {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'redis-server is not installed: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a Redis server the tests may use';

/** Whether `server` (redis-server, or another Redis-protocol server such as valkey-server) runs here. */
export function redisServerAvailable(server = 'redis-server'): boolean {
  const probe = spawnSync(server, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - started > deadlineMs) throw new Error(`the server did not listen on port ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** SIGTERM, then resolve once it has exited (at once if it already has). */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    // A process killed by a signal has a signalCode and no exitCode; either way it is gone.
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/**
 * `port`: reuse a known port (a restart); otherwise a free one is picked.
 * `tls`: listen on that port with TLS only (no plain-text port), clients need no certificate.
 * `server`: the program to run, redis-server unless another one that takes
 * redis-server's flags is named (valkey-server).
 */
export async function startRedisServer(
  extraArgs: string[] = [],
  options: { port?: number; tls?: TlsFiles; server?: string } = {},
): Promise<RedisServerHandle> {
  const server = options.server ?? 'redis-server';
  if (!redisServerAvailable(server)) throw new Error(server === 'redis-server' ? INSTALL_HINT : `${server} is not installed`);
  // A port can be taken between probing and binding; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    const { tls } = options;
    const listen = tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no']
      : ['--port', String(port)];
    const child = spawn(
      server,
      [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extraArgs],
      { stdio: 'ignore' },
    );
    try {
      await waitForPort(port, child, 5000);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      continue;
    }
    return {
      url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
      port,
      process: child,
      stop: () => stopProcess(child),
    };
  }
  throw new Error(`could not start ${server}: ${String(lastError)}`);
}
