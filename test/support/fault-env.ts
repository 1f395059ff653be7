// What fault tests share: worker processes (fault-worker.mjs) to kill, freeze
// and starve, and a list of clean-ups run after each test, last first, so a
// failing test still stops its processes and private servers.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { Enqueuer, type BulkJob } from '../../src/engine/enqueuer/enqueuer.js';
import type { WorkerPoolOptions } from '../../src/engine/pool/worker-pool.js';
import { startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';
import { waitFor } from './wait.js';

/** Short timings for every pool of a fault test: a pool is dead 2 s after its last beat. */
export const FAULT_TIMINGS = { heartbeatIntervalMs: 300, deadAfterMs: 2000, reaperIntervalMs: 300, requeuerIntervalMs: 100 } as const;

const WORKER = fileURLToPath(new URL('./fault-worker.mjs', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the pool id once the pool runs. */
  ready: Promise<string>;
  /** Resolves when the process has exited, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process printed on stdout so far. */
  output(): string;
  /** Ids of the jobs it reported started (or done). */
  started(name?: string): string[];
  done(name?: string): string[];
}

type PoolTimings = Pick<
  WorkerPoolOptions,
  'concurrency' | 'heartbeatIntervalMs' | 'deadAfterMs' | 'reaperIntervalMs' | 'presenceIntervalMs' | 'requeuerIntervalMs' | 'observerIntervalMs'
>;

export function spawnFaultWorker(url: string, namespace: string, options: PoolTimings = {}, nodeArgs: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [...nodeArgs, WORKER, url, namespace, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (errors += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = Promise.race([
    waitFor(() => /^ready (\w+)$/m.exec(output)?.[1], { timeoutMs: 15_000, message: 'the worker process to start' }),
    exited.then(({ code, signal }) => {
      throw new Error(`worker process exited (${code ?? signal}) before it was ready: ${errors}`);
    }),
  ]);
  ready.catch(() => undefined); // awaited by the test; a process killed later must not leave an unhandled rejection
  // Only complete lines count: a process killed mid-write leaves half a line.
  const ids = (verb: string, name?: string) =>
    [...output.matchAll(new RegExp(`^${verb} (\\w+) (\\w+)\\n`, 'gm'))].filter((m) => name === undefined || m[1] === name).map((m) => m[2]!);
  return { child, ready, exited, output: () => output, started: (name) => ids('started', name), done: (name) => ids('done', name) };
}

/** Kill (if still running) and wait for the exit. */
export async function killWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  await worker.exited;
}

/** Registers an afterEach in the calling file; push clean-ups during a test. */
export function useCleanups(): Cleanup {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

export type Cleanup = (cleanup: () => unknown) => void;

export interface PrivateRedis {
  server: RedisServerHandle;
  /** A connection for the test's own reads. */
  redis: Redis;
  enqueuer: Enqueuer;
  /** Ids of every job whose enqueue resolved through enqueue(). */
  ids: string[];
  /** enqueueBulk of `n` jobs alike; records and returns their ids. */
  enqueue(n: number, job: BulkJob): Promise<string[]>;
}

/** A private redis-server, a connection and an Enqueuer on `namespace`, all stopped after the test. */
export async function privateRedis(cleanup: Cleanup, namespace: string, args: string[] = []): Promise<PrivateRedis> {
  const server = await startRedisServer(args);
  cleanup(() => server.stop());
  const redis = new Redis(server.url);
  cleanup(() => redis.disconnect());
  const enqueuer = new Enqueuer({ redis: server.url, namespace });
  cleanup(() => enqueuer.close());
  const ids: string[] = [];
  return {
    server,
    redis,
    enqueuer,
    ids,
    async enqueue(n, job) {
      const made = (await enqueuer.enqueueBulk(Array.from({ length: n }, () => job))).map((j) => j.id);
      ids.push(...made);
      return made;
    },
  };
}
