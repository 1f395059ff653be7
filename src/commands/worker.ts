// `work worker ./handlers.js`: load a handlers module and run a worker pool
// until SIGINT/SIGTERM, logging one line per job outcome.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage, InvalidArgumentError } from '../engine/errors.js';
import { validateHandlersModule } from '../engine/pool/handlers-module.js';
import { WorkerPool } from '../engine/pool/worker-pool.js';
import type { Command, CommandContext } from './command.js';
import { UsageError } from './exit-codes.js';
import { jobLogger } from './job-log.js';
import { connectWorker } from './worker-connection.js';
import { watchOutages } from './worker-outages.js';
import { metricsAddress, servePoolMetrics } from './worker-metrics.js';

export const command: Command = {
  usage: 'work worker <handlers-module> [--concurrency N] [--jobs a,b] [--grace SECONDS] [--metrics-port N [--metrics-host H]]',
  details: [
    'The module (ESM or CommonJS) exports { jobs, middleware?, periodic?, concurrency? };',
    'see examples/handlers.js and the README. SIGINT/SIGTERM stop gracefully: running jobs',
    'get --grace seconds to finish, then are aborted and requeued. A second signal forces.',
    '--metrics-port serves the pool\'s Prometheus metrics at http://H:N/metrics (see the README).',
  ].join('\n'),
  completeArgs: 'files',
  flags: {
    concurrency: { type: 'number', description: 'jobs run at once (default: the module\'s, else 10)' },
    jobs: { type: 'string', description: 'only run these job names (comma-separated)' },
    grace: { type: 'number', default: 30, description: 'seconds running jobs get to finish on stop (default 30)' },
    metricsPort: { type: 'number', description: 'serve Prometheus metrics of this pool on this port (0: any free one)' },
    metricsHost: { type: 'string', description: 'the address to serve metrics on (default 127.0.0.1)' },
  },
  examples: [
    'work worker ./handlers.js',
    'work worker ./handlers.js --concurrency 50 --jobs send_email,resize --json',
    'work worker ./handlers.js --metrics-port 9464 --metrics-host 0.0.0.0',
  ],
  async run(ctx) {
    const [path, ...extra] = ctx.input;
    if (!path) throw new UsageError('missing the handlers module path');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const grace = Number(ctx.flags.grace ?? 30);
    if (!Number.isFinite(grace) || grace < 0) throw new UsageError('--grace must be a number of seconds >= 0');
    const handlers = await loadHandlers(path);
    const only = typeof ctx.flags.jobs === 'string' ? ctx.flags.jobs.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    if (only) {
      const unknown = only.filter((name) => !handlers.jobs.some((j) => j.name === name));
      if (unknown.length > 0) throw new UsageError(`--jobs names not in ${path}: ${unknown.join(', ')}`);
    }
    const concurrency = (ctx.flags.concurrency as number | undefined) ?? handlers.concurrency ?? 10;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--concurrency must be a positive integer');
    const metricsAt = metricsAddress(ctx);

    const redis = await connectWorker(ctx);
    const pool = new WorkerPool({ redis, namespace: ctx.global.namespace, concurrency });
    for (const m of handlers.middleware) pool.use(m);
    for (const job of handlers.jobs) {
      if (!only || only.includes(job.name)) pool.job(job.name, job.options, job.handler);
    }
    for (const p of handlers.periodic) {
      if (!only || only.includes(p.job)) pool.periodic(p.spec, p.job);
    }
    const log = jobLogger(ctx, pool);
    watchOutages(ctx, redis, pool, log);
    // Listening before the pool starts: a port in use stops the worker before it takes a job.
    const metrics = metricsAt
      ? await servePoolMetrics(ctx, pool, redis, metricsAt).catch((error: unknown) => {
          redis.disconnect();
          throw error;
        })
      : undefined;
    await pool.start();
    log.notice(`worker pool ${pool.id} started: ${pool.jobNames.join(', ')} (concurrency ${concurrency}, namespace "${ctx.global.namespace}")`);
    if (metrics) log.notice(`metrics at ${metrics.url}`);
    await waitForAbort(ctx);
    log.notice(`stopping: waiting up to ${grace}s for ${pool.busy} running job(s)`);
    const { requeued, leftInProgress } = await pool.stop({ graceMs: grace * 1000 });
    log.notice(`stopped${requeued > 0 ? `; ${requeued} unfinished job(s) requeued` : ''}`);
    if (leftInProgress > 0) {
      log.notice(
        `Redis did not answer in time: ${leftInProgress} job(s) left in this pool's in-progress lists; ` +
          `another pool's reaper rescues them once this pool's heartbeat is old (finished ones run again)`,
      );
    }
    await metrics?.stop();
    redis.disconnect();
    return 0;
  },
};

function waitForAbort(ctx: CommandContext): Promise<void> {
  if (ctx.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function loadHandlers(path: string) {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new InvalidArgumentError(`handlers module not found: ${path}`);
  let imported: unknown;
  try {
    imported = await import(pathToFileURL(absolute).href);
  } catch (error) {
    throw new InvalidArgumentError(`cannot load handlers module ${path}: ${errorMessage(error)}`);
  }
  return validateHandlersModule(imported, path);
}
