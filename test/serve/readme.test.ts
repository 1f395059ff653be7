// The README's `work serve` section is the API's contract: its route table
// must list exactly the routes the server has, with the scope each needs, and
// the answers must carry the keys its JSON tables list and no others. Both
// are read from the README itself, so the docs cannot drift from the code.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { buildServer } from '../../src/serve/server.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { deferred, waitFor } from '../support/wait.js';
import { call, startServer, TOKEN, TOKENS, type Json, type TestServer } from './harness.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('\n## `work serve`\n'), README.indexOf('\n## ', README.indexOf('\n## `work serve`\n') + 5));

/** The lines under a heading of the section, up to the next heading. */
function under(heading: string): string[] {
  const lines = SECTION.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`README's work serve section has no heading ${heading}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('#'));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

const cellsOf = (line: string) => line.slice(1, -1).split('|').map((c) => c.trim());

/** The rows of every table under a heading whose first column is "key": the keys each names, and whether marked `?`. */
function keyRows(heading: string, tableIndex = 0): Array<{ keys: string[]; optional: boolean; in?: string }> {
  const blocks = under(heading).join('\n').split(/\n(?=\| key \|)/).slice(1);
  const block = blocks[tableIndex];
  if (!block) throw new Error(`no key table ${tableIndex} under ${heading}`);
  const lines = block.split('\n').filter((l) => l.startsWith('|'));
  const head = cellsOf(lines[0]!);
  return lines.slice(2).map((line) => {
    const cells = cellsOf(line);
    const names = [...cells[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    return { keys: names.map((k) => k.replace(/\?$/, '')), optional: names.some((k) => k.endsWith('?')), in: head.includes('in') ? cells[head.indexOf('in')] : undefined };
  });
}

function expectKeys(value: unknown, rows: ReturnType<typeof keyRows>, label: string): void {
  const actual = Object.keys(value as object);
  expect(actual.filter((k) => !rows.some((r) => r.keys.includes(k))), `${label}: keys the README does not list`).toEqual([]);
  const missing = rows.filter((r) => !r.optional && !r.keys.some((k) => actual.includes(k))).map((r) => r.keys.join('/'));
  expect(missing, `${label}: keys the README lists as always there`).toEqual([]);
}

const ROUTE_ROWS = under('### Routes')
  .filter((l) => /^\| (GET|POST) /.test(l))
  .map((line) => {
    const [method, path, scope] = cellsOf(line);
    return { method: method!, path: path!.replace(/`/g, ''), scope: scope! };
  });

describe('the README route table', () => {
  it('lists exactly the routes the server has', () => {
    const app = buildServer({
      client: {} as Client,
      enqueuer: {} as Enqueuer,
      namespace: 'x',
      tokens: TOKENS,
      redact: (s) => s,
      log: () => undefined,
      redisDown: () => false,
      metrics: { render: async () => ({ contentType: 'text/plain', text: '' }) },
    });
    // printRoutes draws a tree: each line's segment follows its parent's path.
    const parents: string[] = [];
    const served = app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .flatMap((line) => {
        const match = /^(.*?)── (\S+) \(([^)]+)\)$/.exec(line);
        if (!match) return [];
        const depth = Math.floor(match[1]!.length / 4);
        const path = (parents[depth - 1] ?? '') + match[2]!;
        parents[depth] = path;
        return match[3]!.split(', ').filter((m) => m !== 'HEAD').map((m) => `${m} ${path}`);
      })
      // The page's own files are summed up by its row.
      .filter((r) => !/ \/(assets\/|favicon\.ico)/.test(r));
    expect(served.sort()).toEqual(ROUTE_ROWS.map((r) => `${r.method} ${r.path}`).sort());
  });

  describe('each needs the scope it says', () => {
    let t: TestRedis;
    let server: TestServer;
    beforeAll(async () => {
      t = await testRedis('readme-routes');
      server = await startServer(t);
    });
    afterAll(async () => {
      await server.close();
      await t.cleanup();
    });

    const lacking: Record<string, string> = { read: TOKEN.enqueue, enqueue: TOKEN.read, admin: TOKEN.readEnqueue };
    it.each(ROUTE_ROWS)('$method $path: $scope', async ({ method, path, scope }) => {
      const url = `${server.url}${path.replace(':died_at', '1').replace(/:[a-z_]+/g, 'readme')}`;
      const open = await call(url, { method });
      if (scope === 'public') {
        expect(open.status).toBe(200);
        return;
      }
      expect(open.status).toBe(401);
      expect((await call(url, { method, token: lacking[scope] })).status).toBe(403);
    });
  });
});

describe('the README JSON tables', () => {
  let t: TestRedis;
  let server: TestServer;
  let pool: WorkerPool;
  const release = deferred();
  const NOW = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await testRedis('readme-json');
    server = await startServer(t);
    await server.enqueuer.enqueue('mail', { to: 'a' });
    await server.enqueuer.enqueueIn('later', 60, { n: 1 });
    await t.redis.zadd(keys.deadKey(t.prefix), NOW, encodeJob({ name: 'mail', id: 'd1', enqueuedAt: NOW, args: {}, unique: true, uniqueKey: 'k', fails: 1, lastError: 'x', failedAt: NOW }));
    await t.redis.zadd(keys.deadKey(t.prefix), NOW - 1, 'garbage{');
    await t.redis.zadd(keys.retryKey(t.prefix), NOW, encodeJob({ name: 'mail', id: 'r1', enqueuedAt: NOW, args: null, unique: false, fails: 1, lastError: 'x', failedAt: NOW }));
    pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace, concurrency: 1, observerIntervalMs: 50 });
    pool.job('busy', () => release.promise);
    await pool.start();
    await server.enqueuer.enqueue('busy', {});
    await waitFor(async () => ((await call(`${server.url}/busy_workers`, { token: TOKEN.read })).json as Json[]).length === 1);
  });

  afterAll(async () => {
    release.resolve();
    await pool.stop();
    await server.close();
    await t.cleanup();
  });

  const get = async (path: string) => (await call(`${server.url}${path}`, { token: TOKEN.admin })).json;

  it.each([
    ['/queues', '#### `GET /queues`'],
    ['/worker_pools', '#### `GET /worker_pools`'],
    ['/busy_workers', '#### `GET /busy_workers`'],
  ])('GET %s', async (path, heading) => {
    const list = (await get(path)) as Json[];
    expect(list.length).toBeGreaterThan(0);
    for (const item of list) expectKeys(item, keyRows(heading), path);
  });

  it.each(['/dead_jobs', '/retry_jobs', '/scheduled_jobs'])('GET %s', async (path) => {
    const heading = '#### `GET /dead_jobs`, `/retry_jobs`, `/scheduled_jobs`';
    const page = (await get(path)) as { jobs: Json[] };
    expectKeys(page, keyRows(heading, 0), path);
    const jobRows = keyRows(heading, 1);
    for (const job of page.jobs) {
      // A member that is not a job has only its score, `invalid` and `raw`, as the README says.
      if ('invalid' in job) expect(Object.keys(job).slice(1)).toEqual(['invalid', 'raw']);
      expectKeys(job, 'invalid' in job ? jobRows.map((r) => ({ ...r, optional: !r.keys.includes('died_at') })) : jobRows, `${path} job`);
    }
  });

  it('GET /overview, /healthz, /readyz', async () => {
    expectKeys(await get('/overview'), keyRows('#### `GET /overview`'), '/overview');
    for (const path of ['/healthz', '/readyz']) expectKeys(await get(path), keyRows('#### `GET /healthz`, `/readyz`'), path);
  });

  it('repairs, one and bulk', async () => {
    const rows = keyRows('#### Repairs');
    const every = rows.filter((r) => r.in === 'every').map((r) => ({ ...r, optional: false }));
    const bulk = rows.filter((r) => r.in === 'every' || r.in === 'bulk').map((r) => ({ ...r, optional: false }));
    const post = async (path: string) => (await call(`${server.url}${path}`, { method: 'POST', token: TOKEN.admin })).json;
    expectKeys(await post(`/retry_dead_job/${NOW}/d1`), every, 'retry one');
    expectKeys(await post('/retry_all_dead_jobs'), bulk, 'retry all');
    expectKeys(await post('/delete_all_dead_jobs'), bulk, 'delete all');
  });

  it('POST /jobs/:name, its body and its answers', async () => {
    const heading = '#### `POST /jobs/:name`';
    const body = { args: { a: 1 }, in: 5, unique: true };
    expectKeys(body, keyRows(heading, 0), 'body');
    const send = async () => (await call(`${server.url}/jobs/readme`, { method: 'POST', token: TOKEN.enqueue, body: JSON.stringify(body) })).json;
    const enqueued = await send();
    expect(enqueued).toMatchObject({ enqueued: true });
    expectKeys(enqueued, keyRows(heading, 1), 'enqueued');
    const duplicate = await send();
    expect(duplicate).toEqual({ enqueued: false, reason: 'duplicate' });
    expectKeys(duplicate, keyRows(heading, 1), 'duplicate');
  });
});
