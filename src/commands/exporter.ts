// `work exporter`: a namespace's metrics for Prometheus, read from Redis by
// one sampler every --interval seconds however many scrapers come.
import { Client } from '../engine/client/client.js';
import { errorMessage } from '../engine/errors.js';
import type { Command } from './command.js';
import { UsageError } from './exit-codes.js';
import { STALE_AFTER_SECONDS } from './pools.js';
import { DEFAULT_METRICS_HOST, portFlag } from './worker-metrics.js';

export const DEFAULT_EXPORTER_PORT = 9465;

export const command: Command = {
  usage: 'work exporter [--port N] [--host H] [--interval SECONDS]',
  details: [
    'Serves the namespace\'s metrics at http://H:N/metrics until SIGINT/SIGTERM: queues (depth,',
    'latency, paused, running), the scheduled, retry and dead sets, pools and their heartbeats,',
    'and the durable counters of the last minute that has ended. Redis is read once per',
    'interval, never per scrape. Metric names and a Grafana dashboard: see the README.',
  ].join('\n'),
  flags: {
    port: { type: 'number', default: DEFAULT_EXPORTER_PORT, description: `the port to serve on (default ${DEFAULT_EXPORTER_PORT}; 0: any free one)` },
    host: { type: 'string', default: DEFAULT_METRICS_HOST, description: `the address to serve on (default ${DEFAULT_METRICS_HOST})` },
    interval: { type: 'number', default: 5, description: 'seconds between two reads of Redis (default 5)' },
  },
  examples: ['work exporter', 'work exporter --context prod --host 0.0.0.0 --port 9465', 'work exporter --interval 15'],
  async run(ctx) {
    if (ctx.input.length > 0) throw new UsageError(`unexpected arguments: ${ctx.input.join(' ')}`);
    const port = portFlag(ctx.flags.port ?? DEFAULT_EXPORTER_PORT, '--port');
    const host = String(ctx.flags.host ?? DEFAULT_METRICS_HOST);
    if (host === '') throw new UsageError('--host needs a host name or address');
    const interval = Number(ctx.flags.interval ?? 5);
    if (!Number.isFinite(interval) || interval < 0.1 || interval > 3600) throw new UsageError('--interval must be a number of seconds from 0.1 to 3600');

    const [{ clusterMetrics }, { serveMetrics }] = await Promise.all([import('../metrics/cluster-metrics.js'), import('../metrics/http.js')]);
    const redis = await ctx.connect({ persistent: true });
    const note = (message: string) => ctx.stderr.write(`work exporter: ${ctx.redact(message)}\n`);
    const metrics = clusterMetrics({
      client: new Client({ redis, namespace: ctx.global.namespace }),
      intervalMs: interval * 1000,
      staleAfterSeconds: STALE_AFTER_SECONDS,
      onSampleError: (error) => note(`reading Redis failed: ${errorMessage(error)}; serving the last sample (work_exporter_redis_up 0) until it works again`),
      onSampleRecovered: () => note('reading Redis works again'),
    });
    try {
      await metrics.start();
      const server = await serveMetrics(metrics.registry, { host, port, onError: (error) => note(`rendering metrics failed: ${errorMessage(error)}`) });
      note(`metrics of namespace "${ctx.global.namespace}" at ${server.url} (Redis read every ${interval} s)`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await server.close();
    } finally {
      await metrics.stop();
      redis.disconnect();
    }
    return 0;
  },
};
