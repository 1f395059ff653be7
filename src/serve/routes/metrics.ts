// GET /metrics (the read scope): the namespace's metrics for Prometheus, the
// same collector `work exporter` serves (src/metrics/cluster-metrics.ts), so
// one token-guarded port can carry both. Its sampler starts on the first
// scrape, not before: a server nobody scrapes reads nothing more from Redis.
import type { FastifyInstance } from 'fastify';
import type { Client } from '../../engine/client/client.js';
import { errorMessage } from '../../engine/errors.js';
import type { ServeOptions } from '../server.js';

/** What the route needs from a collector: its text, rendered from the last sample. */
export interface MetricsSource {
  render(): Promise<{ contentType: string; text: string }>;
}

export function metricsRoutes(app: FastifyInstance, { metrics }: ServeOptions): void {
  if (!metrics) return;
  app.get('/metrics', { config: { access: 'read' } }, async (_request, reply) => {
    const { contentType, text } = await metrics.render();
    return reply.type(contentType).send(text);
  });
}

/**
 * `work exporter`'s collector on this Client, its sampler started by the
 * first scrape; a failed read is said once through `note`, as the exporter
 * says it, and a recovery once more.
 */
export async function collectorOnFirstScrape(
  client: Client,
  staleAfterSeconds: number,
  note: (message: string) => void,
): Promise<MetricsSource & { stop(): Promise<void> }> {
  const { clusterMetrics } = await import('../../metrics/cluster-metrics.js');
  const collector = clusterMetrics({
    client,
    staleAfterSeconds,
    onSampleError: (error) => note(`/metrics: reading Redis failed: ${errorMessage(error)}; serving the last sample until it works again`),
    onSampleRecovered: () => note('/metrics: reading Redis works again'),
  });
  let started: Promise<void> | undefined;
  return {
    async render() {
      await (started ??= collector.start());
      return { contentType: collector.registry.contentType, text: await collector.registry.metrics() };
    },
    stop: () => (started ? collector.stop() : Promise.resolve()),
  };
}
