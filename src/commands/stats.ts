// `work stats [--since 15m]`: per job name rates, failures and percentiles
// from the durable metrics the pools write.
import type { JobMetrics } from '../engine/client/client.js';
import type { Command } from './command.js';
import { UsageError } from './exit-codes.js';
import { notice, writeJson, writeTable, type ColumnSpec } from './output.js';
import { withClient } from './with-client.js';

/** "90s", "15m", "6h", "7d" (or a bare number of seconds) in seconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? 's']!;
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}

const ms = (n: number | undefined) => (n === undefined ? '-' : n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}s` : `${Math.round(n)}ms`);
const sec = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n)}s`);

const COLUMNS: ColumnSpec<JobMetrics>[] = [
  { title: 'Job', cell: (j) => j.jobName, cut: 'middle', min: 12, rank: 9 },
  { title: 'Done', cell: (j) => String(j.done), align: 'right', rank: 8 },
  { title: '/min', cell: (j) => j.perMinute.toFixed(j.perMinute >= 100 ? 0 : 1), align: 'right', rank: 7 },
  { title: 'Failed', cell: (j) => `${j.failed} (${(100 * j.failureRatio).toFixed(1)}%)`, align: 'right', rank: 7 },
  { title: 'Dead', cell: (j) => String(j.dead), align: 'right', rank: 5 },
  { title: 'Run p50', cell: (j) => ms(j.runMs.p50), align: 'right', rank: 6 },
  { title: 'p95', cell: (j) => ms(j.runMs.p95), align: 'right', rank: 4 },
  { title: 'p99', cell: (j) => ms(j.runMs.p99), align: 'right', rank: 6 },
  { title: 'Wait p50', cell: (j) => sec(j.latencySeconds.p50), align: 'right', rank: 3 },
  { title: 'Wait p99', cell: (j) => sec(j.latencySeconds.p99), align: 'right', rank: 5 },
];

export const command: Command = {
  usage: 'work stats [--since DURATION] [--json]',
  details: [
    'Runs per job name over a window, from the durable metrics pools write (work pools only:',
    'gocraft pools keep none): done, per minute, failed, dead, run-time and wait percentiles.',
    'Run times are read from histogram buckets (1, 2, 5, 10, 25 ms … 5 min), so a percentile',
    'is exact to its bucket; waits have whole seconds. Windows up to a day read minutes, longer',
    'ones hours, up to 30 days.',
  ].join('\n'),
  flags: {
    since: { type: 'string', default: '15m', description: 'the window: 90s, 15m, 6h, 7d (default 15m)' },
  },
  examples: ['work stats', 'work stats --since 1h', 'work stats --since 7d --json'],
  async run(ctx) {
    if (ctx.input.length > 0) throw new UsageError(`unexpected arguments: ${ctx.input.join(' ')}`);
    const since = String(ctx.flags.since ?? '15m');
    const seconds = parseDuration(since);
    if (seconds === undefined || seconds > 30 * 86_400) throw new UsageError(`--since must be a duration such as 90s, 15m, 6h or 7d, up to 30d; got "${since}"`);
    const window = await withClient(ctx, (client) => client.metrics(seconds));
    if (ctx.global.json) return writeJson(ctx.stdout, { since: seconds, minutes: window.minutes, now: window.now, jobs: window.jobs });
    if (window.jobs.length === 0) {
      ctx.stderr.write(notice(`no runs recorded in the last ${since} in namespace "${ctx.global.namespace}"`));
      return;
    }
    writeTable(ctx.stdout, COLUMNS, window.jobs);
  },
};
