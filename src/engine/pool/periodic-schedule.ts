// Cron schedules for periodic jobs. (Interim version; to be replaced by the full module.)
import { Cron } from 'croner';
import { InvalidArgumentError } from '../errors.js';
import { periodicJobJson } from '../codec/job.js';

export interface CronSchedule {
  occurrencesBetween(fromExclusiveSec: number, toExclusiveSec: number): number[];
}

export function parseCronSpec(spec: string, options: { timezone?: string | undefined } = {}): CronSchedule {
  let pattern = spec.trim();
  let timezone = options.timezone;
  const tz = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(pattern);
  if (tz) {
    timezone = tz[1];
    pattern = tz[2]!;
  }
  if (pattern.startsWith('@every')) {
    throw new InvalidArgumentError(`cron spec "${spec}": @every is not supported; use a cron expression`);
  }
  let cron: Cron;
  try {
    cron = new Cron(pattern, { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (error) {
    throw new InvalidArgumentError(`cron spec "${spec}" is invalid: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    occurrencesBetween(from, to) {
      const out: number[] = [];
      let cursor = new Date(from * 1000);
      for (;;) {
        const next = cron.nextRun(cursor);
        if (!next) break;
        const t = Math.floor(next.getTime() / 1000);
        if (t >= to) break;
        if (t > from) out.push(t);
        cursor = new Date(t * 1000);
      }
      return out;
    },
  };
}

export function periodicOccurrences(
  jobs: ReadonlyArray<{ name: string; spec: string }>,
  nowSec: number,
  horizonSec = 240,
  options: { timezone?: string | undefined } = {},
): Array<{ score: number; member: string }> {
  const out: Array<{ score: number; member: string }> = [];
  for (const { name, spec } of jobs) {
    for (const t of parseCronSpec(spec, options).occurrencesBetween(nowSec, nowSec + horizonSec)) {
      out.push({ score: t, member: periodicJobJson(name, spec, t) });
    }
  }
  return out;
}
