// What an open job says, as lines for a given width: wherever the job is
// (queued, in progress, scheduled, retry, dead), its times in local time with
// how long ago, the worker running it, its whole last error and its args.
// Pure; every text from Redis is made inert here.
import type { JobEntry, PoolHeartbeat } from '../../engine/client/client.js';
import type { Job } from '../../engine/codec/job.js';
import { formatAge } from '../../support/format.js';
import { wrap } from '../../support/fit.js';
import { inert } from '../../support/inert.js';
import type { DetailTarget, SetView } from './types.js';

export interface OverlayLine {
  /** Bold, at the start of the line (already padded). */
  label: string;
  text: string;
  dim?: boolean;
}

/** A value longer than this is shown up to here in the job view (the whole job: `work job ID --json`). */
export const DETAIL_LIMIT = 16_384;
const LABEL = 12;

/** `label` on the first line of `text`, the rest of it wrapped under `text`'s column. */
export function field(label: string, text: string, width: number, labelWidth: number, dim = false): OverlayLine[] {
  const room = Math.max(10, width - labelWidth);
  return wrap(text, room).map((line, i) => ({ label: (i === 0 ? label : '').padEnd(labelWidth), text: line, dim }));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "2026-12-03 13:37:40 +01:00": this machine's local time, with its offset so it is never ambiguous. */
export function localTime(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) return String(epochSeconds);
  const d = new Date(epochSeconds * 1000);
  if (Number.isNaN(d.getTime())) return String(epochSeconds);
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(offset) / 60))}:${pad2(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone}`;
}

/** A time with how far it is from now: "… (9m06s ago)" or "… (in 2m00s)". */
export function when(epochSeconds: number, nowSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) return String(epochSeconds);
  const delta = nowSeconds - epochSeconds;
  return `${localTime(epochSeconds)} (${delta >= 0 ? `${formatAge(delta)} ago` : `in ${formatAge(-delta)}`})`;
}

const SCORE_LABEL: Record<SetView, string> = { dead: 'Died', retry: 'Retry at', scheduled: 'Runs at' };
const PLACE: Record<SetView, string> = { dead: 'dead', retry: 'waiting to be retried', scheduled: 'scheduled' };

/** A long value up to DETAIL_LIMIT characters, saying how much is left out. */
function capped(text: string): string {
  if (text.length <= DETAIL_LIMIT) return text;
  return `${text.slice(0, DETAIL_LIMIT)}\n… ${text.length - DETAIL_LIMIT} more characters (the whole job: work job ID --json)`;
}

const show = (text: string) => inert(capped(text), { multiline: true });

function argsText(args: unknown): string {
  try {
    return JSON.stringify(args, null, 2) ?? 'null';
  } catch {
    return String(args);
  }
}

/**
 * The ID as one can copy it: inert, and as a `work job` command line quoted
 * for a shell. An ID holding characters that had to be escaped cannot be
 * copied from a terminal as it is, and the line says so.
 */
export function copyLine(id: string): string {
  const safe = inert(id);
  if (safe !== id || /\s/.test(id)) return `${safe}  (holds characters shown escaped: copy it from work job --json)`;
  return /^[A-Za-z0-9._:@/+=-]+$/.test(id) ? `work job ${id}` : `work job '${id.replace(/'/g, `'\\''`)}'`;
}

/** The fields every kind of job has, in the order an operator reads them. */
function jobFields(job: Job, where: string, nowSeconds: number, width: number, extra: OverlayLine[]): OverlayLine[] {
  return [
    ...field('Job', `${show(job.name)} (${where})`, width, LABEL),
    ...field('ID', show(job.id), width, LABEL),
    ...field('Copy', copyLine(job.id), width, LABEL, true),
    ...extra,
    ...field('Enqueued', when(job.enqueuedAt, nowSeconds), width, LABEL),
    ...field('Fails', String(job.fails), width, LABEL),
    ...(job.failedAt ? field('Failed at', when(job.failedAt, nowSeconds), width, LABEL) : []),
    ...(job.unique ? field('Unique', job.uniqueKey ? show(job.uniqueKey.trimEnd()) : 'yes', width, LABEL) : []),
    ...field('Last error', job.lastError ? show(job.lastError) : 'none', width, LABEL),
    ...field('Args', show(argsText(job.args)), width, LABEL),
  ];
}

function invalidLines(entry: { invalid?: string; raw: string }, extra: OverlayLine[], width: number): OverlayLine[] {
  return [...field('Invalid', show(entry.invalid ?? ''), width, LABEL), ...extra, ...field('Raw', show(String(entry.raw)), width, LABEL)];
}

/** The open job, for the width: every field, the whole last error and the args, wrapped (line feeds kept, all else inert). */
export function detailLines(target: DetailTarget, nowSeconds: number, width: number, pools: readonly PoolHeartbeat[] = []): OverlayLine[] {
  if (target.where === 'queued') {
    const place = field('Waiting', `in ${show(target.jobName)}, ${target.entry.ahead} ahead of it`, width, LABEL);
    return target.entry.invalid ? invalidLines(target.entry, place, width) : jobFields(target.entry, 'queued', nowSeconds, width, place);
  }
  if (target.where === 'in-progress') {
    const w = target.worker;
    const pool = pools.find((p) => p.poolId === w.poolId);
    const extra = [
      ...field('Running', `for ${formatAge(nowSeconds - w.startedAt)}, since ${localTime(w.startedAt)}`, width, LABEL),
      ...field('Worker', `${show(w.workerId)} in pool ${show(w.poolId)}${pool ? ` on ${show(pool.host)} (pid ${pool.pid})` : ''}`, width, LABEL),
      ...field('Check-in', w.checkin ? `${show(w.checkin)} (${w.checkinAt ? `${formatAge(nowSeconds - w.checkinAt)} ago` : 'no time'})` : 'none', width, LABEL),
    ];
    if (target.job) return jobFields(target.job, 'in progress', nowSeconds, width, extra);
    // Not (or not yet) found in the pool's in-progress list: what the worker itself says.
    const lookup = target.lookup === 'pending' ? 'looking up the job…' : target.lookup === 'missing' ? 'no longer in progress (finished or rescued)' : show(target.lookup);
    return [
      ...field('Job', `${show(w.jobName)} (in progress)`, width, LABEL),
      ...field('ID', show(w.jobId), width, LABEL),
      ...field('Copy', copyLine(w.jobId), width, LABEL, true),
      ...extra,
      ...field('Args', show(w.argsJson === '' ? 'null' : w.argsJson), width, LABEL),
      ...field('', lookup, width, LABEL, true),
    ];
  }
  const entry: JobEntry = target.entry;
  const score = field(SCORE_LABEL[target.where], when(entry.score, nowSeconds), width, LABEL);
  return entry.invalid ? invalidLines(entry, score, width) : jobFields(entry, PLACE[target.where], nowSeconds, width, score);
}
