// `work worker --metrics-port N [--metrics-host H]`: the pool's Prometheus
// endpoint. Loaded only when asked for, so a worker without it never loads
// prom-client.
import type { Redis } from 'ioredis';
import { Client } from '../engine/client/client.js';
import { errorMessage } from '../engine/errors.js';
import type { WorkerPool } from '../engine/pool/worker-pool.js';
import type { CommandContext } from './command.js';
import { UsageError } from './exit-codes.js';

export interface MetricsAddress {
  host: string;
  port: number;
}

export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** A TCP port from a flag (0 = any free one); UsageError otherwise. */
export function portFlag(value: unknown, flag: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`${flag} must be a port number from 0 to 65535`);
  return port;
}

/** Where to serve, from the flags; undefined without --metrics-port. */
export function metricsAddress(ctx: CommandContext): MetricsAddress | undefined {
  const host = ctx.flags.metricsHost;
  if (ctx.flags.metricsPort === undefined) {
    if (host !== undefined) throw new UsageError('--metrics-host needs --metrics-port');
    return undefined;
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw new UsageError('--metrics-host needs a host name or address');
  return { host: (host as string | undefined) ?? DEFAULT_METRICS_HOST, port: portFlag(ctx.flags.metricsPort, '--metrics-port') };
}

/**
 * Subscribes to the pool (call before pool.start(), so its first heartbeat
 * is seen), takes a first sample and listens. Resolves with the URL.
 */
export async function servePoolMetrics(
  ctx: CommandContext,
  pool: WorkerPool,
  redis: Redis,
  at: MetricsAddress,
): Promise<{ url: string; stop(): Promise<void> }> {
  const [{ poolMetrics }, { serveMetrics }] = await Promise.all([import('../metrics/pool-metrics.js'), import('../metrics/http.js')]);
  const report = (what: string) => (error: unknown) => ctx.stderr.write(`work worker: metrics: ${what}: ${ctx.redact(errorMessage(error))}\n`);
  // Outages are reported by the worker itself; a sample that fails otherwise
  // (a denied command) is said once, then only counted.
  let said = false;
  const sampleFailed = report('sampling Redis failed (counted in work_worker_sample_errors_total from now on)');
  const onSampleError = (error: unknown) => {
    if (!said) sampleFailed(error);
    said = true;
  };
  const client = new Client({ redis, namespace: ctx.global.namespace });
  const metrics = poolMetrics({ pool, client, namespace: ctx.global.namespace, onSampleError });
  await metrics.start();
  let server;
  try {
    server = await serveMetrics(metrics.registry, { ...at, onError: report('rendering failed') });
  } catch (error) {
    await metrics.stop();
    throw error;
  }
  return {
    url: server.url,
    async stop() {
      await server.close();
      await metrics.stop();
    },
  };
}
