// The Grafana dashboard and the Prometheus files in deploy/ ask only for
// metrics and labels that a real scrape of a worker and of the exporter
// serves: a renamed metric fails here, not on someone's dashboard.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { clusterMetrics } from '../../src/metrics/cluster-metrics.js';
import { serveMetrics } from '../../src/metrics/http.js';
import { poolMetrics } from '../../src/metrics/pool-metrics.js';
import { countsIntoLastMinute } from '../support/last-minute.js';
import { scrape, type Scrape } from '../support/prom-text.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const file = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}
const dashboard = JSON.parse(file('deploy/grafana/work.json')) as {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; query?: string | { query: string } }> };
};
const alerts = parseYaml(file('deploy/prometheus/alerts.yml')) as {
  groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> }> }>;
};
const scrapeConfig = parseYaml(file('deploy/prometheus/scrape.yml')) as { scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };

const panelExprs = (panels: Panel[]): string[] => panels.flatMap((p) => [...(p.targets ?? []).map((t) => t.expr), ...panelExprs(p.panels ?? [])]);
const variableQueries = dashboard.templating.list.flatMap((v) => (typeof v.query === 'object' ? [v.query.query] : []));

const FUNCTIONS_AND_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

/** The metric names and label names a PromQL expression (or a Grafana label_values()) reads. */
function promqlNames(expr: string): { metrics: string[]; labels: string[] } {
  const labels: string[] = [];
  let text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\$\{?\w+\}?/g, '1m') // Grafana variables
    .replace(/\[[^\]]*\]/g, ''); // range selectors
  text = text.replace(/\{([^}]*)\}/g, (_m, inside: string) => {
    for (const m of inside.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.push(m[1]!);
    return '';
  });
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, _kw, inside: string) => {
    labels.push(...inside.split(',').map((l) => l.trim()).filter(Boolean));
    return '';
  });
  const lv = /label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/.exec(text);
  if (lv) return { metrics: [lv[1]!], labels: [...labels, lv[2]!] };
  const metrics = [...text.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)]
    .map((m) => m[1]!)
    .filter((name) => !FUNCTIONS_AND_KEYWORDS.has(name) && !/^(e|inf|nan)$/i.test(name));
  return { metrics, labels };
}

describe('promqlNames', () => {
  it('finds metric and label names, not functions, keywords, strings or variables', () => {
    expect(promqlNames('histogram_quantile(0.95, sum by (le, job_name) (rate(a_bucket{job_name=~"$job_name"}[$__rate_interval])))')).toEqual({
      metrics: ['a_bucket'],
      labels: ['job_name', 'le', 'job_name'],
    });
    expect(promqlNames('x > 0.05 or max(y) and on (instance) z{set="dead"} == 1').metrics).toEqual(['x', 'y', 'z']);
  });
});

let t: TestRedis;
let stops: Array<() => Promise<unknown>>;
beforeEach(async () => {
  t = await testRedis('deploy');
  stops = [];
});
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  await t.cleanup();
});

/** A worker's and the exporter's scrape after jobs ran (so every series, durable buckets included, exists). */
async function realScrapes(): Promise<Scrape[]> {
  const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace }).job('email', () => {});
  const pm = poolMetrics({ pool, client: new Client({ redis: t.connect(), namespace: t.namespace }), namespace: t.namespace, sampleIntervalMs: 100 });
  await pm.start();
  const workerServer = await serveMetrics(pm.registry, { host: '127.0.0.1', port: 0 });
  await pool.start();
  stops.push(() => pm.stop(), () => workerServer.close(), () => pool.stop());
  await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueBulk([{ name: 'email' }, { name: 'email' }]);
  const worker = await waitFor(async () => {
    const s = await scrape(workerServer.url);
    return s.value('work_worker_jobs_processed_total', { job_name: 'email' }) === 2 ? s : undefined;
  });
  await pool.stop(); // sends its last counts
  await countsIntoLastMinute(t);
  // A pool registered while the exporter reads, for the per-pool series.
  const other = new WorkerPool({ redis: t.connect(), namespace: t.namespace }).job('other', () => {});
  await other.start();
  stops.push(() => other.stop());
  const cm = clusterMetrics({ client: new Client({ redis: t.connect(), namespace: t.namespace }), staleAfterSeconds: 15, intervalMs: 60_000 });
  await cm.start();
  const exporterServer = await serveMetrics(cm.registry, { host: '127.0.0.1', port: 0 });
  stops.push(() => cm.stop(), () => exporterServer.close());
  const exporter = await scrape(exporterServer.url);
  expect(exporter.value('work_jobs_done_last_minute', { job_name: 'email' })).toBe(2);
  return [worker, exporter];
}

describe('deploy/', () => {
  it('the dashboard and the alert rules read only metrics and labels a real scrape serves', async () => {
    const scrapes = await realScrapes();
    const served = new Set(scrapes.flatMap((s) => s.samples.map((x) => x.name)));
    // Labels Prometheus adds to every target.
    const labels = new Set(['job', 'instance', ...scrapes.flatMap((s) => s.samples.flatMap((x) => Object.keys(x.labels)))]);
    const exprs = [...panelExprs(dashboard.panels), ...variableQueries, ...alerts.groups.flatMap((g) => g.rules.map((r) => r.expr))];
    expect(exprs.length).toBeGreaterThan(30);
    const used = exprs.map((expr) => ({ expr, ...promqlNames(expr) }));
    for (const { expr, metrics, labels: names } of used) {
      expect(metrics.length, `a metric in ${expr}`).toBeGreaterThan(0);
      for (const m of metrics) expect(served.has(m), `${m} (in ${expr}) is served`).toBe(true);
      for (const l of names) expect(labels.has(l), `label ${l} (in ${expr}) is served`).toBe(true);
    }
    // Both endpoints are on the dashboard.
    const metrics = new Set(used.flatMap((u) => u.metrics));
    expect([...metrics].some((m) => m.startsWith('work_worker_'))).toBe(true);
    expect(metrics.has('work_job_run_seconds_last_minute_bucket')).toBe(true);
  });

  it('every alert has a name, a severity and a summary; the scrape config names both endpoints', () => {
    const rules = alerts.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Work[A-Za-z0-9]+$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    const targets = scrapeConfig.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.some((x) => x.endsWith(':9464'))).toBe(true);
    expect(targets.some((x) => x.endsWith(':9465'))).toBe(true);
    expect(dashboard.uid).toBe('work-queue');
  });
});
