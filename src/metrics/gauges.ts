// Gauges filled from a sample when Prometheus scrapes: every series is
// written afresh from the last sample, so a queue or pool that is gone
// leaves no stale series behind.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Sampler } from './sampler.js';

export type SetGauge<L extends string> = (labels: Partial<Record<L, string>>, value: number) => void;

/**
 * A gauge that `fill` writes on each scrape (nothing when there is no sample
 * yet). `fill` reads the last sample only; it never reaches Redis.
 */
export function sampledGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  fill: (set: SetGauge<L>) => void,
): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, value) => (labelNames.length === 0 ? this.set(value) : this.set(labels, value)));
    },
  });
}

/** The sampler's own health, under `prefix`: shared by the pool's and the exporter's metrics. */
export function samplerMetrics(registry: Registry, prefix: string, sampler: Sampler<unknown>): void {
  const registers = [registry];
  new Gauge({
    name: `${prefix}_sample_age_seconds`,
    help: 'Seconds since the last sample was read whole from Redis.',
    registers,
    collect() {
      this.set(sampler.ageSeconds() ?? Number.NaN);
    },
  });
  new Gauge({
    name: `${prefix}_sample_duration_seconds`,
    help: 'How long the last sample took to read.',
    registers,
    collect() {
      this.set(sampler.lastDurationMs / 1000);
    },
  });
  const total = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  total(`${prefix}_samples_total`, 'Samples read from Redis (one per interval, whatever the number of scrapes).', () => sampler.reads);
  total(`${prefix}_sample_errors_total`, 'Samples that failed to read from Redis.', () => sampler.errors);
  new Gauge({
    name: `${prefix}_redis_up`,
    help: '1 when the last sample read Redis and the current one is not overdue, else 0.',
    registers,
    collect() {
      this.set(sampler.healthy() ? 1 : 0);
    },
  });
}
