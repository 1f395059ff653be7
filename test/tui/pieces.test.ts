// The console's new pure pieces as plain functions: the search prompt, sort
// orders, the stats record and its rows, sparklines, the command bar, typed
// questions, the search state and the job detail's lines.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEntry, WorkerObservation } from '../../src/engine/client/client.js';
import { textWidth } from '../../src/support/fit.js';
import { parseCommand } from '../../src/tui/state/command-bar.js';
import { footerBindings, resolveKey } from '../../src/tui/keymap.js';
import { confirmMessage, typedAnswer } from '../../src/tui/state/confirm.js';
import { copyLine, detailLines, localTime, when } from '../../src/tui/state/detail.js';
import { describeQuery, parseSearch } from '../../src/tui/state/query.js';
import { initialState, reducer, typedRight, type TopAction } from '../../src/tui/state/reducer.js';
import { listedJobs, listedWorkers, rowCount } from '../../src/tui/state/rows.js';
import { MAX_KEPT_MATCHES, searchLine } from '../../src/tui/state/search.js';
import { alphabetical, markSorted, most, sortRows } from '../../src/tui/state/sort.js';
import { emptyObserved, observe, observedSource, percentile, sourceLabel, statsRows, type StatsSource } from '../../src/tui/state/stats.js';
import type { ClusterSnapshot, TopState } from '../../src/tui/state/types.js';
import { bars, formatAge, squeeze } from '../../src/tui/state/view-model.js';

const NOW = 1_800_000_000;
const entry = (i: number, over: Partial<JobEntry> = {}): JobEntry => ({ name: 'email', id: `id${i}`, enqueuedAt: NOW - 100, args: { i }, unique: false, fails: i, lastError: `boom ${i}`, failedAt: NOW - 10, score: NOW - 10, raw: '{}', ...over });
const worker = (id: string, startedAt: number, over: Partial<WorkerObservation> = {}): WorkerObservation => ({ workerId: id, poolId: 'p1', isBusy: true, jobName: 'email', jobId: `job-${id}`, startedAt, argsJson: '{}', checkin: '', checkinAt: 0, ...over });

function snapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return { at: NOW * 1000, queues: [], pools: [], observations: [], stats: [], counts: { retry: 0, scheduled: 0, dead: 3 }, ...over };
}
const run = (state: TopState, ...actions: TopAction[]) => actions.reduce(reducer, state);

describe('the search prompt', () => {
  it('reads name:, error: and any text, and combines them', () => {
    expect(parseSearch('timeout')).toEqual({ text: 'timeout' });
    expect(parseSearch('name:send_email error:421 try later')).toEqual({ jobName: 'send_email', errorMatch: '421 try later' });
    expect(parseSearch('ada@example.com job:email')).toEqual({ text: 'ada@example.com', jobName: 'email' });
    expect(parseSearch('error:quota name:x bob')).toEqual({ errorMatch: 'quota', jobName: 'x', text: 'bob' });
    expect(parseSearch('"name:not a key"  "two  spaces"')).toEqual({ text: 'name:not a key two  spaces' });
    expect(parseSearch('ERR:Boom')).toEqual({ errorMatch: 'Boom' });
    expect(parseSearch('   ')).toEqual({});
    expect(parseSearch('error:"disk  quota" name:email')).toEqual({ errorMatch: 'disk  quota', jobName: 'email' });
    const query = { jobName: 'email', errorMatch: '421 try later', text: 'ada bob' };
    expect(parseSearch(describeQuery(query))).toEqual(query);
    expect(describeQuery({ jobName: 'email', errorMatch: '421 try', text: 'x' })).toBe('x name:email error:"421 try"');
  });
});

describe('sort orders', () => {
  const rows = [{ n: 'b', v: 1 }, { n: 'a', v: 3 }, { n: 'c', v: 3 }];
  const keys = [{ column: undefined, label: 'usual', descending: false, compare: () => 0 }, most<{ n: string; v: number }>('V', 'most first', (r) => r.v, (r) => r.n), alphabetical<{ n: string; v: number }>('N', (r) => r.n)];
  it('cycles from the usual order through each column, ties broken, and marks the column', () => {
    expect(sortRows(rows, keys, 0).map((r) => r.n)).toEqual(['b', 'a', 'c']);
    expect(sortRows(rows, keys, 1).map((r) => r.n)).toEqual(['a', 'c', 'b']);
    expect(sortRows(rows, keys, 2).map((r) => r.n)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, keys, 3).map((r) => r.n)).toEqual(['b', 'a', 'c']); // wraps
    expect(markSorted('V', keys[1])).toBe('V↓');
    expect(markSorted('N', keys[2])).toBe('N↑');
    expect(markSorted('V', keys[2])).toBe('V');
  });

  it('shows the longest running worker first, and s cycles the workers view', () => {
    let s = run(initialState({ view: 'workers' }), { type: 'snapshot', snapshot: snapshot({ observations: [worker('w1', NOW - 5), worker('w2', NOW - 900, { checkinAt: NOW - 1 }), worker('w3', NOW - 60, { checkinAt: NOW - 50 })] }) });
    expect(listedWorkers(s, NOW).map((w) => w.workerId)).toEqual(['w2', 'w3', 'w1']);
    s = run(s, { type: 'command', command: 'sort' });
    expect(s.status?.text).toBe('sorted oldest check-in first');
    expect(listedWorkers(s, NOW).map((w) => w.workerId)).toEqual(['w3', 'w2', 'w1']);
  });
});

describe('stats since the console opened', () => {
  const at = (seconds: number) => (NOW + seconds) * 1000;
  it('counts runs and failures per minute from counter deltas, run times of jobs seen running, and queue waits', () => {
    let o = emptyObserved();
    const snap = (seconds: number, processed: number, failed: number, observations: WorkerObservation[], latency: number) =>
      snapshot({ at: at(seconds), stats: [{ jobName: 'email', processed, failed }], observations, queues: [{ jobName: 'email', count: 1, latency, paused: false, running: 0, maxConcurrency: 0, priority: 0, invalidOldest: false }] });
    o = observe(o, snap(0, 1000, 10, [worker('w1', NOW - 4)], 5));
    o = observe(o, snap(2, 1030, 12, [worker('w1', NOW - 4)], 7));
    o = observe(o, snap(4, 1090, 12, [], 9)); // w1's job finished between 2 s and 4 s
    expect(observe(o, snap(4, 5000, 0, [], 0))).toBe(o); // a refresh not newer changes nothing
    const source = observedSource(o, at(4));
    expect(source.kind).toBe('console');
    const [row] = statsRows(source, at(4));
    expect(row).toMatchObject({ jobName: 'email', done: 90, failed: 2 });
    // 90 runs over the 4 seconds the console has watched.
    expect(row!.donePerMinute).toBeCloseTo(1350);
    expect(row!.runMs.p50).toBe(7000);
    expect(row!.latencySeconds).toEqual({ p50: 7, p95: 9, p99: 9 });
    expect(row!.doneSeries.at(-1)).toBe(90);
    expect(sourceLabel(source, at(4), formatAge)).toBe('since the console opened 4s ago (what this console saw, not durable)');
  });

  it('ignores counters that went down, and keeps hostile names apart from the prototype', () => {
    let o = emptyObserved();
    o = observe(o, snapshot({ at: at(0), stats: [{ jobName: '__proto__', processed: 50, failed: 0 }] }));
    o = observe(o, snapshot({ at: at(1), stats: [{ jobName: '__proto__', processed: 10, failed: 0 }] }));
    o = observe(o, snapshot({ at: at(2), stats: [{ jobName: '__proto__', processed: 15, failed: 0 }] }));
    const rows = statsRows(observedSource(o, at(2)), at(2));
    expect(rows.map((r) => [r.jobName, r.done])).toEqual([['__proto__', 5]]);
  });

  it('reads a durable source the same way', () => {
    const minute = Math.floor(NOW / 60) * 60;
    const source: StatsSource = { kind: 'durable', since: (minute - 120) * 1000, jobs: [{ jobName: 'x', minutes: [{ minute: minute - 120, done: 60, failed: 6 }, { minute, done: 30, failed: 0 }], runMs: { p50: 5, p95: 9, p99: 10 }, latencySeconds: { p50: 0, p95: 1, p99: 2 } }] };
    const [row] = statsRows(source, minute * 1000 + 30_000);
    expect(row).toMatchObject({ done: 90, failed: 6, donePerMinute: 36 }); // over 2.5 minutes
    expect(row!.doneSeries.slice(-3)).toEqual([60, 0, 30]);
    expect(sourceLabel(source, minute * 1000 + 30_000, formatAge)).toBe('last 3 minutes, from the durable counters in Redis');
  });

  it('percentiles and sparklines', () => {
    expect(percentile([], 0.5)).toBeUndefined();
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 0.99)).toBe(100);
    expect(squeeze([1, 1, 1, 1, 2, 2], 3)).toEqual([2, 2, 4]);
    expect(squeeze(new Array(60).fill(1), 12)).toEqual(new Array(12).fill(5));
    expect(bars([0, 0])).toBe('▁▁');
    expect(bars([0, 4, 8])).toBe('▁▅█');
  });
});

describe('the command bar', () => {
  it('reads views, searches, queues, jobs and contexts, and says what it does not know', () => {
    expect(parseCommand('dead', 'overview')).toEqual({ type: 'view', view: 'dead' });
    expect(parseCommand(' Dead  error:quota ', 'overview')).toEqual({ type: 'view', view: 'dead', search: 'error:quota' });
    expect(parseCommand('search x', 'retry')).toEqual({ type: 'search', text: 'x' });
    expect(parseCommand('search x', 'queues')).toEqual({ type: 'view', view: 'dead', search: 'x' });
    expect(parseCommand('queue send_email', 'dead')).toEqual({ type: 'queue', jobName: 'send_email' });
    expect(parseCommand('job abc', 'dead')).toEqual({ type: 'job', id: 'abc' });
    expect(parseCommand('context prod', 'dead')).toEqual({ type: 'context', name: 'prod' });
    expect(parseCommand('q', 'dead')).toEqual({ type: 'quit' });
    expect(parseCommand('queues x', 'dead')).toMatchObject({ type: 'error' });
    expect(parseCommand('job', 'dead')).toEqual({ type: 'error', message: ":job needs a job's ID" });
    expect(parseCommand('sched', 'dead')).toEqual({ type: 'error', message: 'unknown command :sched (did you mean :scheduled?)' });
  });
});

describe('questions', () => {
  it('want the count typed for matches and the name for a purge, y/n for the rest', () => {
    expect(typedAnswer({ kind: 'retry-matches', set: 'dead', count: 12, query: { errorMatch: 'x' } })).toBe('12');
    expect(typedAnswer({ kind: 'delete-queued', jobName: 'q', id: 'i', name: 'q', member: 'm' })).toBeUndefined();
    expect(typedAnswer({ kind: 'purge-queue', jobName: 'send_email', count: 3 })).toBe('send_email');
    expect(typedAnswer({ kind: 'purge-queue', jobName: 'evil\x1b]0;x', count: 3 })).toBe('purge');
    expect(typedAnswer({ kind: 'retry-all-dead', count: 3 })).toBeUndefined();
    let s = run(initialState(), { type: 'ask', action: { kind: 'delete-matches', set: 'retry', count: 12, query: { text: 'x' } } });
    s = run(s, { type: 'confirm-key', input: '1' }, { type: 'confirm-key', input: '3' });
    expect(typedRight(s)).toBe(false);
    s = run(s, { type: 'confirm-key', input: '', backspace: true }, { type: 'confirm-key', input: '2' });
    expect(typedRight(s)).toBe(true);
  });

  it('name what they touch and fit the width, hostile names made inert', () => {
    const long = `queue-${'x'.repeat(200)}`;
    for (const width of [59, 79, 199]) {
      for (const action of [
        { kind: 'purge-queue' as const, jobName: long, count: 5 },
        { kind: 'retry-matches' as const, set: 'dead' as const, count: 1234, query: { jobName: long, errorMatch: 'quota' } },
        { kind: 'retry-matches' as const, set: 'scheduled' as const, count: 1234, query: { jobName: long, errorMatch: 'quota' } },
        { kind: 'delete-matches' as const, set: 'retry' as const, count: 1234, query: { jobName: long } },
        { kind: 'run-now' as const, set: 'scheduled' as const, id: 'id1', name: long },
        { kind: 'delete-queued' as const, jobName: long, id: 'id1', name: long, member: 'm' },
        { kind: 'delete-queued' as const, jobName: long, id: '', name: '', member: 'm' },
      ]) {
        const text = confirmMessage(action, width, '12');
        expect(textWidth(text), text).toBeLessThanOrEqual(width);
      }
    }
    expect(confirmMessage({ kind: 'purge-queue', jobName: 'a\x1b[2Jb', count: 2 }, 79)).toContain('a\\x1b[2Jb');
    expect(confirmMessage({ kind: 'run-now', set: 'retry', id: 'id9', name: 'webhook' }, 79)).toBe('Run retry job webhook (id9) now? (y/n)');
    // Matches of the retry and scheduled sets are run now, not "retried"; each question names its set.
    expect(confirmMessage({ kind: 'retry-matches', set: 'retry', count: 14, query: { jobName: 'webhook' } }, 79, '1')).toBe('Run the 14 retry jobs matching name:webhook now? Type 14, Enter: 1▏');
    expect(confirmMessage({ kind: 'retry-matches', set: 'dead', count: 2, query: { errorMatch: 'quota' } }, 79)).toBe('Retry the 2 dead jobs matching error:quota? Type 2, Enter: ▏');
    expect(confirmMessage({ kind: 'delete-matches', set: 'scheduled', count: 3, query: { text: 'may' } }, 79)).toBe('Delete the 3 scheduled jobs matching may? Type 3, Enter: ▏');
    expect(confirmMessage({ kind: 'delete-queued', jobName: 'email', id: 'id7', name: 'email\x1b', member: 'm' }, 79)).toBe('Delete queued job email\\x1b (id7)? (y/n)');
    expect(confirmMessage({ kind: 'delete-queued', jobName: 'email', id: '', name: '', member: 'm' }, 79)).toBe('Delete the undecodable entry queued in email? (y/n)');
  });
});

describe('the search state', () => {
  it('keeps the first matches, counts them all, ignores steps of a stopped search, and Esc stops then clears', () => {
    let s = run(initialState({ view: 'dead' }), { type: 'snapshot', snapshot: snapshot() }, { type: 'search-start', set: 'dead', input: 'error:boom' });
    expect(s.search).toMatchObject({ id: 1, status: 'running', query: { errorMatch: 'boom' } });
    const many = Array.from({ length: MAX_KEPT_MATCHES + 10 }, (_, i) => entry(i));
    s = run(s, { type: 'search-progress', id: 1, done: 1000, total: 2000, matches: many });
    expect(s.search?.matches).toHaveLength(MAX_KEPT_MATCHES);
    expect(s.search?.matchCount).toBe(MAX_KEPT_MATCHES + 10);
    expect(listedJobs(s, 'dead')).toHaveLength(MAX_KEPT_MATCHES);
    expect(rowCount(s, 'dead', NOW)).toBe(MAX_KEPT_MATCHES);
    expect(searchLine(s.search!)).toBe('searching 1,000 of 2,000 (50%) · 5,010 matches (first 5,000 shown) · Esc stops');
    s = run(s, { type: 'command', command: 'back' });
    expect(s.search?.status).toBe('stopped');
    s = run(s, { type: 'search-progress', id: 1, done: 2000, total: 2000, matches: [entry(1)] });
    expect(s.search?.done).toBe(1000);
    // R on a search that did not finish does not ask: it says why.
    s = run(s, { type: 'command', command: 'retry-all-dead' });
    expect(s.confirm).toBeUndefined();
    expect(s.status?.text).toContain('the search is not finished');
    s = run(s, { type: 'command', command: 'back' });
    expect(s.search).toBeUndefined();
  });

  it('asks for the count of a finished search, and for every dead job without one', () => {
    let s = run(initialState({ view: 'dead' }), { type: 'snapshot', snapshot: snapshot() }, { type: 'command', command: 'delete-all-dead' });
    expect(s.confirm?.action).toEqual({ kind: 'delete-all-dead', count: 3 });
    s = run(s, { type: 'confirm-closed' }, { type: 'search-start', set: 'dead', input: 'name:email' }, { type: 'search-progress', id: 1, done: 3, total: 3, matches: [entry(1), entry(2)] }, { type: 'search-end', id: 1 });
    expect(searchLine(s.search!)).toBe('searched all 3 · 2 matches · Esc clears');
    s = run(s, { type: 'command', command: 'retry-all-dead' });
    expect(s.confirm?.action).toEqual({ kind: 'retry-matches', set: 'dead', count: 2, query: { jobName: 'email' } });
  });

  it('on the retry and scheduled views R and D act on a finished search\'s matches of that set, and say what to do without one', () => {
    for (const set of ['retry', 'scheduled'] as const) {
      let s = run(initialState({ view: set }), { type: 'snapshot', snapshot: snapshot() });
      expect(resolveKey({ input: 'R' }, set)?.command).toBe('run-matches');
      expect(resolveKey({ input: 'D' }, set)?.command).toBe('delete-matches');
      s = run(s, { type: 'command', command: 'run-matches' });
      expect(s.confirm).toBeUndefined();
      expect(s.status).toMatchObject({ error: true, text: expect.stringContaining('R acts on the matches of a search: / first') });
      s = run(s, { type: 'search-start', set, input: 'name:email' }, { type: 'search-progress', id: 1, done: 3, total: 3, matches: [entry(1)] });
      s = run(s, { type: 'command', command: 'delete-matches' });
      expect(s.status?.text).toContain('the search is not finished');
      s = run(s, { type: 'search-end', id: 1 }, { type: 'command', command: 'delete-matches' });
      expect(s.confirm?.action).toEqual({ kind: 'delete-matches', set, count: 1, query: { jobName: 'email' } });
      s = run(s, { type: 'confirm-closed' }, { type: 'command', command: 'run-matches' });
      expect(s.confirm?.action).toEqual({ kind: 'retry-matches', set, count: 1, query: { jobName: 'email' } });
    }
  });
});

describe('keys on an open job', () => {
  it('d on a queued job asks about exactly the bytes it read, an undecodable entry included', () => {
    const bytes = Buffer.from([0x7b, 0xff]);
    const queued = { ...entry(4), ahead: 0, member: bytes };
    let s = run(initialState({ view: 'queues' }), { type: 'snapshot', snapshot: snapshot() }, { type: 'open-detail', target: { where: 'queued', jobName: 'email', entry: queued } });
    expect(resolveKey({ input: 'd' }, 'queues', 'detail')?.command).toBe('delete-queued-job');
    expect(resolveKey({ input: 'd' }, 'queues', 'list')).toBeUndefined();
    expect(footerBindings('queues', 'detail').map((b) => `${b.keys} ${b.label}`)).toContain('d del');
    s = run(s, { type: 'command', command: 'delete-queued-job' });
    expect(s.confirm?.action).toEqual({ kind: 'delete-queued', jobName: 'email', id: 'id4', name: 'email', member: bytes });
    expect((s.confirm?.action as { member: unknown }).member).toBe(bytes);
    s = run(s, { type: 'confirm-closed' }, { type: 'open-detail', target: { where: 'queued', jobName: 'email', entry: { ...queued, name: '', id: '', invalid: 'not JSON' } } });
    s = run(s, { type: 'command', command: 'delete-queued-job' });
    expect(s.confirm?.action).toMatchObject({ kind: 'delete-queued', id: '', member: bytes });
  });

  it('d on a job in progress deletes nothing: the hint and the status line say a worker is running it', () => {
    const w = worker('w1', NOW - 30);
    let s = run(initialState({ view: 'workers' }), { type: 'snapshot', snapshot: snapshot({ observations: [w] }) }, { type: 'open-detail', target: { where: 'in-progress', worker: w, lookup: 'pending' } });
    expect(footerBindings('workers', 'detail').map((b) => `${b.keys} ${b.label}`)).toContain('d no del: running');
    expect(footerBindings('workers', 'detail').some((b) => b.acts)).toBe(false);
    const binding = resolveKey({ input: 'd' }, 'workers', 'detail')!;
    expect(binding.command).toBe('delete-running');
    s = run(s, { type: 'command', command: binding.command });
    expect(s.confirm).toBeUndefined();
    expect(s.detail?.where).toBe('in-progress');
    expect(s.status).toMatchObject({ error: true, text: expect.stringContaining('a worker is running this job: it cannot be deleted') });
  });
});

describe('the job detail', () => {
  const tz = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = 'Asia/Kolkata';
  });
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('writes times in local time with their offset and how long ago', () => {
    expect(localTime(NOW)).toBe('2027-01-15 13:30:00 +05:30');
    expect(when(NOW - 546, NOW)).toBe('2027-01-15 13:20:54 +05:30 (9m06s ago)');
    expect(when(NOW + 120, NOW)).toBe('2027-01-15 13:32:00 +05:30 (in 2m00s)');
  });

  it('gives a copy-safe ID: a command line, quoted for a shell, or a warning when it cannot be copied', () => {
    expect(copyLine('4b2907e5c3a1000000001294')).toBe('work job 4b2907e5c3a1000000001294');
    expect(copyLine("it's")).toBe(`work job 'it'\\''s'`);
    expect(copyLine('a\x1b[2Jb')).toContain('shown escaped');
  });

  it('shows each kind of job with its place, times, worker and whole error, inert and within the width', () => {
    const hostile = entry(1, { lastError: `line one\nline two \x1b]0;owned\x07 ${'x'.repeat(300)}` });
    const kinds = [
      { where: 'dead' as const, entry: hostile },
      { where: 'scheduled' as const, entry: entry(2, { score: NOW + 600 }) },
      { where: 'queued' as const, jobName: 'email', entry: { ...entry(3), ahead: 7, member: entry(3).raw } },
      { where: 'in-progress' as const, worker: worker('w9', NOW - 65, { checkin: 'half way', checkinAt: NOW - 2 }), lookup: 'pending' },
    ];
    const pools = [{ poolId: 'p1', startedAt: 0, heartbeatAt: NOW, jobNames: ['email'], concurrency: 2, host: 'box-1', pid: 42, workerIds: ['w9'] }];
    const text = (lines: ReturnType<typeof detailLines>) => lines.map((l) => l.label + l.text).join('\n');
    for (const width of [59, 79]) for (const target of kinds) for (const line of detailLines(target, NOW, width, pools)) expect(textWidth(line.label + line.text)).toBeLessThanOrEqual(width);
    const dead = text(detailLines(kinds[0]!, NOW, 79));
    expect(dead).toMatch(/^Job {9}email \(dead\)$/m);
    expect(dead).toContain('Died        2027-01-15 13:29:50 +05:30 (10s ago)');
    expect(dead).toContain('line two \\x1b]0;owned\\x07');
    expect(dead).not.toMatch(/\x1b/);
    expect(text(detailLines(kinds[1]!, NOW, 79))).toContain('Runs at     2027-01-15 13:40:00 +05:30 (in 10m00s)');
    expect(text(detailLines(kinds[2]!, NOW, 79))).toContain('Waiting     in email, 7 ahead of it');
    const running = text(detailLines(kinds[3]!, NOW, 79, pools));
    expect(running).toContain('Running     for 1m05s');
    expect(running).toContain('Worker      w9 in pool p1 on box-1 (pid 42)');
    expect(running).toContain('Check-in    half way (2s ago)');
    expect(running).toContain('looking up the job…');
  });
});
