// `work demo`: the whole system at a glance. Uses the Redis the user named
// (--redis, REDIS_URL, a context), else a private redis-server of its own; runs
// the sample workers from examples/handlers.js with a producer that keeps a
// realistic mix flowing; shows live queue counts; cleans up what it started.
import type { Redis } from 'ioredis';
import { Client } from '../engine/client/client.js';
import { Enqueuer } from '../engine/enqueuer/enqueuer.js';
import { errorMessage } from '../engine/errors.js';
import { validateHandlersModule } from '../engine/pool/handlers-module.js';
import { WorkerPool } from '../engine/pool/worker-pool.js';
import { redisServerAvailable, startRedisServer, type RedisServerHandle } from '../support/private-redis.js';
import type { Command, CommandContext } from './command.js';
import { UsageError } from './exit-codes.js';
import { formatAge } from '../support/format.js';
import { renderTable } from './output.js';
import { connectRedis } from './redis-url.js';

const DEMO_NAMESPACE = 'work-demo';

export const command: Command = {
  usage: 'work demo [--redis URL] [-n NAMESPACE] [--duration SECONDS] [--json]',
  details: [
    `Runs sample jobs in namespace "${DEMO_NAMESPACE}" (unless -n is given) and opens the console`,
    '(work top) on them; without a terminal it prints counts instead (--json: a JSON line each).',
    'With no Redis named (--redis, REDIS_URL or --context) it starts a private redis-server',
    '(persistence off) and removes it on exit: it never writes into a Redis nobody named.',
  ].join('\n'),
  flags: {
    duration: { type: 'number', description: 'stop after this many seconds (default: until Ctrl-C)' },
  },
  examples: ['work demo', 'work demo --redis redis://127.0.0.1:6380 --duration 60'],
  async run(ctx) {
    const duration = ctx.flags.duration as number | undefined;
    if (duration !== undefined && (!Number.isFinite(duration) || duration <= 0)) throw new UsageError('--duration must be a number of seconds > 0');
    // -n or WORK_NAMESPACE only: a context's namespace is an application's, not the demo's.
    const named = ctx.global.namespaceFrom === '-n' || ctx.global.namespaceFrom === 'WORK_NAMESPACE';
    const namespace = named ? ctx.global.namespace : DEMO_NAMESPACE;
    const { redis, server, url } = await openDemoRedis(ctx);
    const cleanups: Array<() => Promise<unknown>> = [];
    try {
      const handlers = validateHandlersModule(await import(new URL('../../examples/handlers.js', import.meta.url).href), 'examples/handlers.js');
      // The pool gets a connection of its own; a duplicate keeps the URL's password and the --tls-ca CA.
      const poolRedis = redis.duplicate();
      cleanups.push(async () => poolRedis.disconnect());
      const pool = new WorkerPool({ redis: poolRedis, namespace, concurrency: 10 });
      for (const m of handlers.middleware) pool.use(m);
      for (const job of handlers.jobs) pool.job(job.name, job.options, job.handler);
      for (const p of handlers.periodic) pool.periodic(p.spec, p.job);
      pool.on('error', ({ op, error }) => ctx.stderr.write(`demo worker: ${op}: ${errorMessage(error)}\n`));
      await pool.start();
      cleanups.unshift(() => pool.stop({ graceMs: 2000 }));

      const enqueuer = new Enqueuer({ redis, namespace });
      const producer = startProducer(enqueuer, (error) => ctx.stderr.write(`demo producer: ${errorMessage(error)}\n`));
      cleanups.unshift(async () => producer.stop());

      ctx.stderr.write(`work demo: namespace "${namespace}" on ${server ? `a private redis-server (${url})` : ctx.redact(url)}; Ctrl-C to stop\n`);
      ctx.stderr.write(`  watch it from another shell: work queues ${server ? `--redis ${url}` : sameRedisFlags(ctx)} -n ${namespace}\n`);
      const client = new Client({ redis, namespace });
      if ((ctx.stdout as NodeJS.WriteStream).isTTY && !ctx.global.json) {
        // The console until the user quits (or --duration runs out).
        const stop = new AbortController();
        ctx.signal.addEventListener('abort', () => stop.abort(), { once: true });
        const timer = duration === undefined ? undefined : setTimeout(() => stop.abort(), duration * 1000);
        const { runConsole } = await import('../tui/run-console.js');
        await runConsole({ client, namespace, intervalMs: 1000, signal: stop.signal });
        if (timer) clearTimeout(timer);
      } else {
        await showLiveCounts(ctx, client, namespace, duration);
      }
      return 0;
    } finally {
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      redis.disconnect();
      await server?.stop();
    }
  },
};

async function openDemoRedis(ctx: CommandContext): Promise<{ redis: Redis; server?: RedisServerHandle; url: string }> {
  if (ctx.global.redisFrom !== 'default') {
    // A Redis the user named: that one or none (exit 3), never another in its place.
    const redis = await ctx.connect({ persistent: true });
    return { redis, url: ctx.global.redisUrl };
  }
  // Nobody named a Redis: whatever answers on the default port may be someone's, so it is never used.
  if (!redisServerAvailable()) {
    throw new UsageError(
      'with no Redis named, work demo runs on a private redis-server, and redis-server is not installed: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or name a Redis the demo may write sample jobs into with --redis URL, REDIS_URL or --context',
    );
  }
  ctx.stderr.write('no Redis named (--redis, REDIS_URL or --context): starting a private redis-server\n');
  const server = await startRedisServer();
  try {
    return { redis: await connectRedis(server.url, { persistent: true }), server, url: server.url };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** The flags that reach the Redis this command was given, with no secret in them. */
function sameRedisFlags(ctx: CommandContext): string {
  const { global } = ctx;
  if (global.context !== undefined && global.redisFrom !== '--redis') return `--context ${global.context}`;
  const flags = [`--redis ${ctx.redact(global.redisUrl)}`];
  if (global.tlsCa) flags.push(`--tls-ca ${global.tlsCa.file}`);
  if (global.redisPasswordFile) flags.push(`--redis-password-file ${global.redisPasswordFile.file}`);
  return flags.join(' ');
}

/** Keeps a realistic mix flowing: mostly fast jobs, some slow, some failing, some scheduled. */
function startProducer(enqueuer: Enqueuer, onError: (error: unknown) => void): { stop(): void } {
  let n = 0;
  const timer = setInterval(() => {
    n++;
    const batch = [
      ...Array.from({ length: 3 + Math.floor(Math.random() * 5) }, () => ({ name: 'send_email', args: { to: `user${n}@example.com` } })),
      ...(Math.random() < 0.3 ? [{ name: 'resize_image', args: { file: `photo-${n}.jpg` } }] : []),
      ...(Math.random() < 0.1 ? [{ name: 'export_report', args: { report: n } }] : []),
      ...(Math.random() < 0.3 ? [{ name: 'flaky_webhook', args: { url: `https://hooks.example.com/${n}` } }] : []),
    ];
    const work = [enqueuer.enqueueBulk(batch)] as Promise<unknown>[];
    if (Math.random() < 0.1) work.push(enqueuer.enqueueIn('send_email', 10 + Math.floor(Math.random() * 20), { digest: n }));
    Promise.all(work).catch(onError);
  }, 250);
  return { stop: () => clearInterval(timer) };
}

/**
 * Without a terminal: one line of counts every 2 s (a table when piped to a
 * TTY-less log is noise). With --json: one JSON object a line, the queues as
 * `work queues --json` shows them.
 */
async function showLiveCounts(ctx: CommandContext, client: Client, namespace: string, durationSeconds: number | undefined): Promise<void> {
  const tty = Boolean((ctx.stdout as NodeJS.WriteStream).isTTY);
  const deadline = durationSeconds === undefined ? Infinity : Date.now() + durationSeconds * 1000;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    try {
      const [queues, retry, dead, scheduled] = await Promise.all([client.queues(), client.retryJobs(1), client.deadJobs(1), client.scheduledJobs(1)]);
      const time = new Date().toISOString();
      if (ctx.global.json) {
        ctx.stdout.write(`${JSON.stringify({ time, namespace, queues, retry: retry.count, scheduled: scheduled.count, dead: dead.count })}\n`);
      } else {
        const table = renderTable(
          ['Queue', 'Queued', 'Running', 'Latency'],
          queues.map((q) => [q.jobName, q.count, q.running, formatAge(q.latency)]),
        );
        const summary = `retry ${retry.count}   scheduled ${scheduled.count}   dead ${dead.count}   ${time}`;
        ctx.stdout.write(tty ? `\x1b[H\x1b[2J${table}\n${summary}\n` : `${summary}\n`);
      }
    } catch (error) {
      ctx.stderr.write(`demo: ${ctx.redact(errorMessage(error))}\n`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(2000, Math.max(0, deadline - Date.now())));
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
