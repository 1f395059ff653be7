// The README's "JSON output" tables are the contract of every --json output.
// This runs each command on the private Redis and checks the keys it prints
// against the table of its README section: no key the README does not list,
// none it lists as always there missing. The tables are read from the README
// itself, so the docs and this test cannot drift apart.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keys from '../../src/engine/codec/keys.js';
import { collect, runCli, startCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

// ---- the README's tables ----

interface Row {
  /** The key, or the alternatives one row names (`retried`, `deleted`). */
  keys: string[];
  /** Marked `?`: absent when it does not apply. */
  optional: boolean;
  /** The `in` column: the shapes or events that carry the key. */
  in?: string[];
  meaning: string;
}

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The text under a heading, up to the next heading. */
function section(heading: string): string {
  const lines = README.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`README has no heading ${heading}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('#'));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** Every key table (first column "key") in a section, in order. */
function tables(heading: string): Row[][] {
  const out: Row[][] = [];
  const lines = section(heading).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('| key |')) continue;
    const head = cells(lines[i]!);
    const inColumn = head.indexOf('in');
    const rows: Row[] = [];
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      const row = cells(lines[i]!);
      const tokens = [...row[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      rows.push({
        keys: tokens.map((k) => k.replace(/\?$/, '')),
        optional: tokens.some((k) => k.endsWith('?')),
        in: inColumn === -1 ? undefined : row[inColumn]!.split(',').map((s) => s.trim()),
        meaning: row[row.length - 1]!,
      });
    }
    out.push(rows);
  }
  if (out.length === 0) throw new Error(`README section ${heading} has no key table`);
  return out;
}

const table = (heading: string): Row[] => tables(heading)[0]!;
/** The rows of an `in` table that apply to one shape or event ("every": to all of them); each is then always there. */
const rowsIn = (rows: Row[], shape: string): Row[] =>
  rows.filter((r) => r.in!.includes(shape) || r.in!.includes('every')).map((r) => ({ ...r, optional: false }));

/** `value` has no key outside `rows`, and one key of every row not marked optional. */
function expectShape(value: unknown, rows: Row[], label: string): void {
  expect(value !== null && typeof value === 'object' && !Array.isArray(value), `${label}: an object`).toBe(true);
  const actual = Object.keys(value as object);
  const documented = rows.flatMap((r) => r.keys);
  expect(actual.filter((k) => !documented.includes(k)), `${label}: keys the README does not list`).toEqual([]);
  const missing = rows.filter((r) => !r.optional && !r.keys.some((k) => actual.includes(k))).map((r) => r.keys.join('/'));
  expect(missing, `${label}: keys the README lists as always there`).toEqual([]);
}

const JOB = table('#### Job objects');
const QUEUES = table('#### `work queues`');
const [PAGE, ENTRY] = tables('#### `work dead`, `work retry`, `work scheduled`') as [Row[], Row[]];
const REPAIR = table('#### `work retry-dead`, `work delete-dead`');
const WORKER = table('#### `work worker`');

/** A valid set entry is a job object plus `score` and `raw`; an invalid one has only the entry keys. */
function expectEntry(entry: Record<string, unknown>, label: string): void {
  if ('invalid' in entry) expect(Object.keys(entry).sort(), `${label}: an entry that is not a job`).toEqual(ENTRY.flatMap((r) => r.keys).sort());
  else expectShape(entry, [...JOB, ...ENTRY], label);
}

describe('the README JSON tables', () => {
  it('say "common" only of keys the common fields table defines, and their examples are JSON', () => {
    const common = table('#### Common fields').flatMap((r) => r.keys);
    const json = section('### JSON output') + README.slice(README.indexOf('#### Common fields'), README.indexOf('## `work top`'));
    const headings = [...json.matchAll(/^#### .+$/gm)].map((m) => m[0]);
    expect(headings.length).toBeGreaterThan(15);
    for (const heading of headings) {
      for (const rows of tables(heading)) {
        for (const row of rows.filter((r) => r.meaning.startsWith('common'))) {
          expect(row.keys.filter((k) => !common.includes(k)), `${heading}: "common" keys`).toEqual([]);
        }
      }
    }
    for (const block of json.matchAll(/```json\n([\s\S]*?)```/g)) {
      for (const line of block[1]!.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    }
  });
});

// ---- the commands ----

const dir = mkdtempSync(join(tmpdir(), 'work-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('json');
});
afterEach(() => t.cleanup());

const work = (args: string[], env?: Record<string, string>) => runCli([...args, '--redis', redisUrl(), '-n', t.namespace], { env, timeoutMs: 20_000 });
/** Runs a command with --json and parses stdout; `codes` are the exits it may end with. */
async function json<T = Record<string, unknown>>(args: string[], codes = [0]): Promise<T> {
  const result = await work([...args, '--json']);
  expect(codes, `work ${args.join(' ')}: exit ${result.code}\n${result.stderr}`).toContain(result.code);
  return JSON.parse(result.stdout) as T;
}
const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const now = () => Math.floor(Date.now() / 1000);
const deadJob = (id: string) =>
  JSON.stringify({ name: 'email', id, t: now() - 60, args: { to: id }, fails: 4, err: 'smtp: 421', failed_at: now() - 30 });

async function seedDead(ids: string[]): Promise<void> {
  const pipe = t.redis.pipeline();
  ids.forEach((id, i) => pipe.zadd(keys.deadKey(t.prefix), now() - 30 + i, deadJob(id)));
  pipe.zadd(keys.deadKey(t.prefix), now() - 100, 'not a job');
  pipe.sadd(keys.knownJobsKey(t.prefix), 'email');
  await pipe.exec();
}

describe('--json output has the keys the README lists', () => {
  it('work enqueue, work queues, work queues purge, work job', async () => {
    const plain = await json(['enqueue', 'email', '--args', '{"to":"a@example.com"}']);
    expectShape(plain, table('#### `work enqueue`'), 'enqueue');
    expectShape(plain.job, JOB, 'enqueue: job');
    const later = await json(['enqueue', 'email', '--in', '60', '--unique']);
    expectShape(later, table('#### `work enqueue`'), 'enqueue --in --unique');
    expect(later.runAt).toEqual(expect.any(Number));
    expectShape(later.job, JOB, 'enqueue --unique: job (with uniqueKey)');
    const refused = await json(['enqueue', 'email', '--in', '60', '--unique']);
    expect(refused).toEqual({ enqueued: false, reason: 'duplicate' });
    expectShape(refused, table('#### `work enqueue`'), 'enqueue refused');

    const queues = await json<unknown[]>(['queues']);
    expect(queues).toHaveLength(1);
    for (const q of queues) expectShape(q, QUEUES, 'queues');

    const places = await json<Array<Record<string, unknown>>>(['job', (plain.job as { id: string }).id]);
    expect(places.map((p) => p.where)).toEqual(['queued']);
    const scheduled = await json<Array<Record<string, unknown>>>(['job', (later.job as { id: string }).id]);
    expect(scheduled.map((p) => p.where)).toEqual(['scheduled']);
    for (const place of [...places, ...scheduled]) {
      expectShape(place, table('#### `work job`'), `job (${String(place.where)})`);
      expectShape(place.job, JOB, 'job: job');
    }
    expect(await json(['job', 'nowhere'], [4])).toEqual([]);

    expectShape(await json(['queues', 'purge', 'email', '--yes']), table('#### `work queues purge`'), 'queues purge');
  });

  it('work pools, work workers', async () => {
    const pipe = t.redis.pipeline();
    pipe.sadd(keys.workerPoolsKey(t.prefix), 'pool1');
    pipe.hset(keys.heartbeatKey(t.prefix, 'pool1'), { heartbeat_at: now(), started_at: now() - 60, job_names: 'email', concurrency: 2, worker_ids: 'w1,w2', host: 'box-a', pid: 11 });
    pipe.hset(keys.observationKey(t.prefix, 'w1'), { job_name: 'email', job_id: 'job-1', started_at: now() - 3, args: '{"to":"x"}', checkin: 'sending', checkin_at: now() - 1 });
    await pipe.exec();
    const pools = await json<unknown[]>(['pools']);
    expect(pools).toHaveLength(1);
    for (const p of pools) expectShape(p, table('#### `work pools`'), 'pools');
    const workers = await json<unknown[]>(['workers']);
    expect(workers).toHaveLength(1);
    for (const w of workers) expectShape(w, table('#### `work workers`'), 'workers');
  });

  it('work dead, retry, scheduled: a page, --ndjson and --all --json lines, entries valid or not', async () => {
    await seedDead(['d1', 'd2']);
    const page = await json(['dead']);
    expectShape(page, PAGE, 'dead page');
    const entries = page.jobs as Array<Record<string, unknown>>;
    expect(entries.map((e) => 'invalid' in e)).toEqual([true, false, false]);
    entries.forEach((e, i) => expectEntry(e, `dead page entry ${i}`));
    const all = await work(['dead', '--all', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(lines(all.stdout)).toEqual(entries);
    const ndjson = await work(['dead', '--ndjson']);
    expect(lines(ndjson.stdout)).toEqual(entries);
    await json(['enqueue', 'email', '--in', '60']);
    const scheduled = await json(['scheduled']);
    expectShape(scheduled, PAGE, 'scheduled page');
    (scheduled.jobs as Array<Record<string, unknown>>).forEach((e) => expectEntry(e, 'scheduled entry'));
    expectShape(await json(['retry']), PAGE, 'retry page');
  });

  it('work retry-dead and delete-dead in each shape; delete-retry, delete-scheduled', async () => {
    await seedDead(['d1', 'd2', 'd3']);
    const shape = (value: unknown, name: string) => expectShape(value, rowsIn(REPAIR, name), `retry-dead (${name})`);
    shape(await json(['retry-dead', '--all', '--dry-run']), 'dry-all');
    shape(await json(['retry-dead', 'd1', 'nope', '--dry-run'], [4]), 'dry-ids');
    shape(await json(['retry-dead', 'd1', 'nope'], [4]), 'ids');
    const all = await json<{ retried: number; total: number; left: number; changed: number }>(['retry-dead', '--all']);
    shape(all, 'all');
    expect(all.retried + all.left + all.changed).toBe(all.total);
    expect(all).toMatchObject({ retried: 2, left: 1, total: 3 });

    await seedDead(['e1']);
    shape(await json(['delete-dead', 'e1', '--dry-run']), 'dry-ids');
    shape(await json(['delete-dead', '--all', '--job', 'email', '--dry-run']), 'dry-all');
    shape(await json(['delete-dead', 'e1']), 'ids');
    shape(await json(['delete-dead', '--error-match', '421', '--dry-run']), 'dry-all');
    shape(await json(['retry-dead', '--job', 'email', '--error-match', '421']), 'all');
    shape(await json(['delete-dead', '--match', 'not a job']), 'all');
    shape(await json(['delete-dead', '--all']), 'all');

    await t.redis.zadd(keys.retryKey(t.prefix), now() + 60, deadJob('r1'));
    const scheduled = await json<{ job: { id: string } }>(['enqueue', 'email', '--in', '60']);
    const deletes = table('#### `work delete-retry`, `work delete-scheduled`');
    expectShape(await json(['delete-retry', 'r1', 'nope'], [4]), deletes, 'delete-retry');
    expectShape(await json(['delete-scheduled', scheduled.job.id]), deletes, 'delete-scheduled');
  });

  it('work stats', async () => {
    const [top, job] = tables('#### `work stats`') as [Row[], Row[]];
    const pipe = t.redis.pipeline();
    const minute = now() - (now() % 60);
    pipe.hset(`${t.prefix}metrics:m:${minute}`, { 'done:email': '3', 'failed:email': '1', 'run:2:email': '3', 'lat:0:email': '3' });
    await pipe.exec();
    const stats = await json<{ jobs: Array<Record<string, unknown>> }>(['stats', '--since', '5m']);
    expectShape(stats, top, 'stats');
    expect(stats.jobs).toHaveLength(1);
    expectShape(stats.jobs[0], job, 'stats: job');
  });

  it('work pause, unpause, doctor, contexts', async () => {
    const toggles = table('#### `work pause`, `work unpause`');
    expectShape(await json(['pause', 'email']), toggles, 'pause');
    expectShape(await json(['unpause', 'email']), toggles, 'unpause');

    const findings = await json<unknown[]>(['doctor'], [0, 1]);
    expect(findings.length).toBeGreaterThan(5);
    for (const f of findings) expectShape(f, table('#### `work doctor`'), 'doctor');

    const config = join(dir, 'config');
    const contexts = (env: Record<string, string>) => runCli(['contexts', '--json'], { env });
    expect(JSON.parse((await contexts({ XDG_CONFIG_HOME: config })).stdout)).toEqual([]);
    const file = join(config, 'work', 'config.json');
    mkdirSync(join(config, 'work'), { recursive: true });
    writeFileSync(file, JSON.stringify({ contexts: { prod: { redis: 'rediss://work:pw@redis.internal:6380', namespace: 'app', tlsCa: 'ca.pem', redisPasswordFile: 'pw' }, dev: { redis: 'redis://127.0.0.1:6380' } } }));
    const listed = JSON.parse((await contexts({ XDG_CONFIG_HOME: config })).stdout) as unknown[];
    expect(listed).toHaveLength(2);
    for (const c of listed) expectShape(c, table('#### `work contexts`'), 'contexts');
  });

  it('work demo --json lines', async () => {
    const result = await work(['demo', '--json', '--duration', '1']);
    expect(result.code, result.stderr).toBe(0);
    const refreshes = lines(result.stdout);
    expect(refreshes.length).toBeGreaterThan(0);
    for (const line of refreshes) {
      expectShape(line, table('#### `work demo`'), 'demo');
      for (const q of line.queues as unknown[]) expectShape(q, QUEUES, 'demo: queues');
    }
  });

  it('work worker --json lines, one event at a time', async () => {
    const handlers = join(dir, 'handlers.mjs');
    writeFileSync(handlers, `export const jobs = { ok: async () => {}, bad: { maxFails: 1, handler: async () => { throw new Error('boom'); } } };\n`);
    await json(['enqueue', 'ok']);
    await json(['enqueue', 'bad']);
    await t.redis.lpush(keys.queueKey(t.prefix, 'ok'), 'not a job');
    const child = startCli(['worker', handlers, '--json', '--redis', redisUrl(), '-n', t.namespace]);
    const exited = collect(child, Date.now(), { timeoutMs: 20_000 });
    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
    const events = () => lines(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
    await waitFor(() => ['completed', 'failed', 'invalid'].every((e) => events().some((l) => l.event === e)), { message: 'completed, failed and invalid lines' });
    child.kill('SIGTERM');
    const result = await exited;
    expect(result.code, result.stderr).toBe(0);
    for (const line of lines(result.stdout)) expectShape(line, rowsIn(WORKER, String(line.event)), `worker ${String(line.event)}`);
  });
});
