// `work serve`'s API over real HTTP, on the private Redis: every route, the
// token matrix, and bodies that are malformed, oversized or wrong, which must
// be refused with a clear 4xx and leave Redis as it was.
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJob, type Job } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { namespaceKeys, testRedis, type TestRedis } from '../support/redis.js';
import { deferred, waitFor } from '../support/wait.js';
import { call, startServer, TOKEN, type Json, type TestServer } from './harness.js';

let t: TestRedis;
let server: TestServer;

beforeEach(async () => {
  t = await testRedis('serve');
  server = await startServer(t);
});

afterEach(async () => {
  await server.close();
  await t.cleanup();
});

const NOW = Math.floor(Date.now() / 1000);

function deadJob(name: string, id: string, diedAt: number, extra: Partial<Job> = {}): string {
  return encodeJob({ name, id, enqueuedAt: diedAt - 5, args: { id }, unique: false, fails: 3, lastError: 'boom', failedAt: diedAt, ...extra });
}

async function addDead(...jobs: Array<[name: string, id: string, diedAt: number]>): Promise<void> {
  for (const [name, id, diedAt] of jobs) await t.redis.zadd(keys.deadKey(t.prefix), diedAt, deadJob(name, id, diedAt));
}

const queued = (name: string) => t.redis.lrange(keys.queueKey(t.prefix, name), 0, -1);
const get = (path: string, token: string = TOKEN.read) => call(`${server.url}${path}`, { token });
const post = (path: string, token: string = TOKEN.admin, body?: string) => call(`${server.url}${path}`, { method: 'POST', token, ...(body !== undefined ? { body } : {}) });

describe('health', () => {
  it('/healthz answers while the process runs, without a token', async () => {
    const answer = await call(`${server.url}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it('/readyz reports the Redis round trip, without a token', async () => {
    const answer = await call(`${server.url}/readyz`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 'ok' });
    expect((answer.json as Json).rttMs).toBeTypeOf('number');
  });

  it('GET /metrics (read scope): the namespace\'s metrics as work exporter serves them, Redis read from the first scrape on', async () => {
    await server.enqueuer.enqueue('mail', {});
    await server.enqueuer.enqueue('mail', {});
    await addDead(['mail', 'x1', NOW]);
    const answer = await get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.text).toContain('work_queue_jobs{job_name="mail"} 2');
    expect(answer.text).toContain('work_set_jobs{set="dead"} 1');
    expect(answer.text).toMatch(/^work_exporter_redis_up 1$/m);
  });
});

describe('reading the cluster, in gocraft web UI shapes', () => {
  it('GET /queues: one entry per known job name, with gocraft keys and the console columns', async () => {
    await server.enqueuer.enqueue('send_email', { to: 'a' });
    await server.enqueuer.enqueue('send_email', { to: 'b' });
    await server.enqueuer.enqueueIn('report', 60, {});
    await t.redis.set(keys.pausedKey(t.prefix, 'report'), '1');
    const answer = await get('/queues');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json).toEqual([
      { job_name: 'report', count: 0, latency: 0, paused: true, running: 0, max_concurrency: 0, priority: 0 },
      { job_name: 'send_email', count: 2, latency: expect.any(Number), paused: false, running: 0, max_concurrency: 0, priority: 0 },
    ]);
  });

  it('GET /worker_pools and /busy_workers: a running pool and its busy worker', async () => {
    const release = deferred();
    const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace, concurrency: 2, observerIntervalMs: 50 });
    pool.job('slow', async (job) => {
      job.checkin('halfway');
      await release.promise;
    });
    await pool.start();
    try {
      const job = await server.enqueuer.enqueue('slow', { n: 1 });
      const busy = await waitFor(async () => {
        const list = (await get('/busy_workers')).json as Json[];
        return list.length === 1 && list[0]!.checkin === 'halfway' ? list : undefined;
      });
      expect(busy[0]).toEqual({
        worker_id: expect.any(String),
        worker_pool_id: pool.id,
        is_busy: true,
        job_name: 'slow',
        job_id: job.id,
        started_at: expect.any(Number),
        args_json: '{"n":1}',
        checkin: 'halfway',
        checkin_at: expect.any(Number),
      });
      const pools = (await get('/worker_pools')).json as Json[];
      expect(pools).toEqual([
        {
          worker_pool_id: pool.id,
          started_at: expect.any(Number),
          heartbeat_at: expect.any(Number),
          job_names: ['slow'],
          concurrency: 2,
          host: expect.any(String),
          pid: process.pid,
          worker_ids: expect.any(Array),
        },
      ]);
      expect(pools[0]!.worker_ids).toContain(busy[0]!.worker_id);
    } finally {
      release.resolve();
      await pool.stop();
    }
  });

  it('GET /busy_workers is [] when nobody works', async () => {
    expect((await get('/busy_workers')).json).toEqual([]);
  });

  it('GET /dead_jobs, /retry_jobs, /scheduled_jobs: a page of 20 under died_at, retry_at, run_at; Go omitempty for the job fields', async () => {
    const dead = Array.from({ length: 23 }, (_, i) => ['mail', `d${String(i).padStart(2, '0')}`, NOW - 100 + i] as [string, string, number]);
    await addDead(...dead);
    await t.redis.zadd(keys.deadKey(t.prefix), NOW - 1000, 'garbage{');
    await t.redis.zadd(keys.retryKey(t.prefix), NOW + 30, deadJob('mail', 'r1', NOW));
    const scheduled = await server.enqueuer.enqueueIn('report', 60, { week: 7 });

    const page1 = (await get('/dead_jobs')).json as { count: number; jobs: Json[] };
    expect(page1.count).toBe(24);
    expect(page1.jobs).toHaveLength(20);
    // An undecodable member is listed, not an error for the whole page.
    expect(page1.jobs[0]).toEqual({ died_at: NOW - 1000, invalid: expect.stringMatching(/not JSON/), raw: 'garbage{' });
    expect(page1.jobs[1]).toEqual({ died_at: NOW - 100, name: 'mail', id: 'd00', t: NOW - 105, args: { id: 'd00' }, fails: 3, err: 'boom', failed_at: NOW - 100 });
    const page2 = (await get('/dead_jobs?page=2')).json as { count: number; jobs: Json[] };
    expect(page2.jobs.map((j) => j.id)).toEqual(['d19', 'd20', 'd21', 'd22']);
    expect(((await get('/dead_jobs?page=9')).json as Json).jobs).toEqual([]);

    expect((await get('/retry_jobs')).json).toEqual({
      count: 1,
      jobs: [{ retry_at: NOW + 30, name: 'mail', id: 'r1', t: NOW - 5, args: { id: 'r1' }, fails: 3, err: 'boom', failed_at: NOW }],
    });
    expect((await get('/scheduled_jobs')).json).toEqual({
      count: 1,
      jobs: [{ run_at: scheduled.runAt, name: 'report', id: scheduled.job.id, t: scheduled.job.enqueuedAt, args: { week: 7 } }],
    });
  });

  it.each(['0', '-1', '1.5', 'two', '99999999999999999999'])('?page=%s is a 400 that says what a page is', async (page) => {
    const answer = await get(`/dead_jobs?page=${page}`);
    expect(answer.status).toBe(400);
    expect((answer.json as Json).error).toMatch(/page must be a whole number from 1 up/);
  });

  it('GET /overview: the namespace and the sizes of the three sets', async () => {
    await addDead(['mail', 'x', NOW]);
    expect((await get('/overview')).json).toEqual({ namespace: t.namespace, scheduled: 0, retry: 0, dead: 1 });
  });
});

describe('repairing dead jobs', () => {
  it('POST /retry_dead_job/:died_at/:job_id puts it back on its queue; again, it is a 404', async () => {
    await addDead(['mail', 'a1', NOW - 10], ['mail', 'a2', NOW - 9]);
    const answer = await post(`/retry_dead_job/${NOW - 10}/a1`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
    const [raw] = await queued('mail');
    expect(JSON.parse(raw!)).toMatchObject({ id: 'a1' });
    expect(JSON.parse(raw!)).not.toHaveProperty('fails');
    const again = await post(`/retry_dead_job/${NOW - 10}/a1`);
    expect(again.status).toBe(404);
    expect((again.json as Json).error).toMatch(/nothing retried: no dead job with id "a1"/);
  });

  it('POST /delete_dead_job/:died_at/:job_id removes it, found by id even when the score is stale', async () => {
    await addDead(['mail', 'b1', NOW - 10], ['mail', 'b2', NOW - 9]);
    expect((await post(`/delete_dead_job/${NOW - 999}/b1`)).json).toEqual({ status: 'ok' });
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
    expect((await post(`/delete_dead_job/${NOW - 10}/b1`)).status).toBe(404);
    const bad = await post('/delete_dead_job/yesterday/b2');
    expect(bad.status).toBe(400);
    expect((bad.json as Json).error).toMatch(/died_at must be a whole number of epoch seconds/);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
  });

  it('POST /retry_all_dead_jobs reports exactly what it did: retried + left + changed = total', async () => {
    await addDead(['mail', 'c1', NOW - 3], ['mail', 'c2', NOW - 2], ['push', 'c3', NOW - 1]);
    await t.redis.zadd(keys.deadKey(t.prefix), NOW - 4, 'garbage{');
    const answer = await post('/retry_all_dead_jobs');
    expect(answer.json).toEqual({ status: 'ok', retried: 3, total: 4, left: 1, changed: 0, interrupted: false });
    expect(await queued('mail')).toHaveLength(2);
    expect(await queued('push')).toHaveLength(1);
  });

  it('POST /retry_dead_job_type/:job_type retries only that name', async () => {
    await addDead(['mail', 'e1', NOW - 3], ['push', 'e2', NOW - 2]);
    expect((await post('/retry_dead_job_type/push')).json).toEqual({ status: 'ok', retried: 1, total: 1, left: 0, changed: 0, interrupted: false });
    expect(await queued('push')).toHaveLength(1);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
  });

  it('POST /delete_all_dead_jobs reports how many it deleted', async () => {
    await addDead(['mail', 'f1', NOW - 3], ['mail', 'f2', NOW - 2]);
    expect((await post('/delete_all_dead_jobs')).json).toEqual({ status: 'ok', deleted: 2, total: 2, left: 0, changed: 0, interrupted: false });
    expect(await t.redis.exists(keys.deadKey(t.prefix))).toBe(0);
  });
});

describe('POST /jobs/:name', () => {
  const enqueue = (name: string, body?: string, token: string = TOKEN.enqueue) => post(`/jobs/${name}`, token, body);

  it('enqueues with JSON args and answers 201 with the job, as work enqueue --json prints it', async () => {
    const answer = await enqueue('send_email', '{"args":{"to":"ada@example.com"}}');
    expect(answer.status).toBe(201);
    const body = answer.json as { enqueued: boolean; job: Job };
    expect(body).toEqual({ enqueued: true, job: { name: 'send_email', id: expect.stringMatching(/^[0-9a-f]{24}$/), enqueuedAt: expect.any(Number), args: { to: 'ada@example.com' }, unique: false, fails: 0 } });
    const [raw] = await queued('send_email');
    expect(raw).toBe(`{"name":"send_email","id":"${body.job.id}","t":${body.job.enqueuedAt},"args":{"to":"ada@example.com"}}`);
    expect(await t.redis.sismember(keys.knownJobsKey(t.prefix), 'send_email')).toBe(1);
  });

  it('no body at all means args {}', async () => {
    expect((await enqueue('cleanup')).status).toBe(201);
    expect(JSON.parse((await queued('cleanup'))[0]!).args).toEqual({});
  });

  it('keeps every digit of integers past 2^53, and "__proto__" as a plain key', async () => {
    const answer = await enqueue('sync', '{"args":{"account":12345678901234567890,"__proto__":{"x":1},"ratio":0.5}}');
    expect(answer.status).toBe(201);
    expect(answer.text).toContain('"account":12345678901234567890');
    const [raw] = await queued('sync');
    expect(raw).toContain('"account":12345678901234567890');
    expect(raw).toContain('"__proto__":{"x":1}');
  });

  it('"in" schedules it and answers its runAt', async () => {
    const answer = await enqueue('report', '{"args":{"id":1},"in":3600}');
    const body = answer.json as { runAt: number; job: Job };
    expect(answer.status).toBe(201);
    expect(body.runAt - body.job.enqueuedAt).toBe(3600);
    expect(await t.redis.zscore(keys.scheduledKey(t.prefix), encodeJob(body.job))).toBe(String(body.runAt));
  });

  it('"unique": a second equal job is a 409 that says why, and nothing more is written', async () => {
    expect((await enqueue('sync', '{"args":{"a":1},"unique":true}')).status).toBe(201);
    const second = await enqueue('sync', '{"args":{"a":1},"unique":true}');
    expect(second.status).toBe(409);
    expect(second.json).toEqual({ enqueued: false, reason: 'duplicate' });
    expect(await queued('sync')).toHaveLength(1);
    expect((await enqueue('sync', '{"args":{"a":2},"unique":true,"in":10}')).status).toBe(201);
  });

  it('"uniqueKey": unique by that key map; a refused call leaves the latest args for the waiting job to run with', async () => {
    const first = await enqueue('sync', '{"args":{"a":1,"v":1},"uniqueKey":{"a":1}}');
    expect(first.status).toBe(201);
    const marker = (first.json as { job: Job }).job.uniqueKey!;
    expect(marker).toBe(keys.uniqueKey(t.prefix, 'sync', '{"a":1}\n'));
    expect((await enqueue('sync', '{"args":{"a":1,"v":2},"uniqueKey":{"a":1}}')).status).toBe(409);
    expect(await queued('sync')).toHaveLength(1);
    expect(JSON.parse((await t.redis.get(marker))!).args).toEqual({ a: 1, v: 2 });
  });

  const refused: Array<[label: string, status: number, body: string | undefined, error: RegExp, headers?: Record<string, string>]> = [
    ['not JSON', 400, '{"args":', /the body is not valid JSON/],
    ['an empty JSON body', 400, '', /the body is empty/],
    ['a body that is not an object', 400, '[1,2]', /must be a JSON object/],
    ['args that are an array', 400, '{"args":[1]}', /"args" must be a JSON object or null/],
    ['args written at the top level', 400, '{"to":"ada"}', /unknown field\(s\) "to".*inside "args"/],
    ['a negative delay', 400, '{"in":-5}', /"in" must be a number of seconds >= 0/],
    ['a delay that is not a number', 400, '{"in":"soon"}', /"in" must be a number/],
    ['unique that is not a boolean', 400, '{"unique":"yes"}', /"unique" must be true or false/],
    ['uniqueKey with unique false', 400, '{"uniqueKey":{"a":1},"unique":false}', /cannot go with "unique": false/],
    ['a number Go cannot encode', 400, '{"args":{"n":1e400}}', /Go rejects NaN and infinities/],
    ['plain text', 415, 'hello', /Content-Type: application\/json/, { 'content-type': 'text/plain' }],
  ];
  it.each(refused)('refuses %s with %i and writes nothing', async (_label, status, body, error, headers) => {
    const answer = await call(`${server.url}/jobs/send_email`, { method: 'POST', token: TOKEN.enqueue, body, ...(headers ? { headers } : {}) });
    expect(answer.status).toBe(status);
    expect((answer.json as Json).error).toMatch(error);
    expect(await namespaceKeys(t.redis, t.prefix)).toEqual([]);
  });

  it.each([
    ['a:b', /may not contain ':'/],
    ['a%20b', /may not contain/],
    ['x'.repeat(201), /longer than 200 characters/],
  ])('refuses the job name %s with 400', async (name, error) => {
    const answer = await enqueue(name, '{}');
    expect(answer.status).toBe(400);
    expect((answer.json as Json).error).toMatch(error);
    expect(await namespaceKeys(t.redis, t.prefix)).toEqual([]);
  });

  it('refuses a body over the limit with 413, whether announced by Content-Length or streamed', async () => {
    await server.close();
    server = await startServer(t, { bodyLimit: 2048 });
    const big = JSON.stringify({ args: { blob: 'x'.repeat(4000) } });
    const answer = await enqueue('upload', big);
    expect(answer.status).toBe(413);
    expect((answer.json as Json).error).toBe('the body is larger than 2048 bytes, the limit of this server (--body-limit)');
    // Chunked, with no Content-Length: the limit holds while the body is read.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? '{"args":{"b":"' : 'y'.repeat(1000)));
        controller.enqueue(new TextEncoder().encode('"}}'));
        controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/jobs/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN.enqueue}`, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await namespaceKeys(t.redis, t.prefix)).toEqual([]);
    expect((await enqueue('upload', '{"args":{"small":true}}')).status).toBe(201);
  });
});

describe('tokens and scopes', () => {
  // Every route that needs a token, with the scope it needs and a request that is valid for it.
  const routes: Array<[method: 'GET' | 'POST', path: string, scope: 'read' | 'enqueue' | 'admin']> = [
    ['GET', '/queues', 'read'],
    ['GET', '/worker_pools', 'read'],
    ['GET', '/busy_workers', 'read'],
    ['GET', '/retry_jobs', 'read'],
    ['GET', '/scheduled_jobs', 'read'],
    ['GET', '/dead_jobs', 'read'],
    ['GET', '/overview', 'read'],
    ['GET', '/metrics', 'read'],
    ['POST', '/jobs/matrix', 'enqueue'],
    ['POST', `/retry_dead_job/${NOW}/m1`, 'admin'],
    ['POST', `/delete_dead_job/${NOW}/m2`, 'admin'],
    ['POST', '/retry_dead_job_type/matrix', 'admin'],
    ['POST', '/retry_all_dead_jobs', 'admin'],
    ['POST', '/delete_all_dead_jobs', 'admin'],
  ];
  const allowed: Record<string, string[]> = { read: [TOKEN.read, TOKEN.readEnqueue, TOKEN.admin], enqueue: [TOKEN.enqueue, TOKEN.readEnqueue, TOKEN.admin], admin: [TOKEN.admin] };
  const tokens = Object.values(TOKEN);

  it.each(routes)('%s %s: no token and a wrong token are 401, a token without the %s scope 403, one with it passes', async (method, path, scope) => {
    await addDead(['matrix', 'm1', NOW], ['matrix', 'm2', NOW]);
    const request = (headers: Record<string, string>) => call(`${server.url}${path}`, { method, headers });

    const refused: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-a-token-at-all-0000' }, { authorization: `Basic ${TOKEN.admin}` }, { authorization: 'Bearer' }];
    for (const headers of refused) {
      const answer = await request(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="work"');
      expect((answer.json as Json).error).toMatch(/bearer token|Authorization header/);
    }
    for (const token of tokens) {
      const answer = await request({ authorization: `Bearer ${token}` });
      if (allowed[scope]!.includes(token)) {
        expect(answer.status, token).toBeLessThan(300);
      } else {
        expect(answer.status, token).toBe(403);
        expect((answer.json as Json).error).toContain(`needs the "${scope}" scope`);
      }
    }
    // Nothing was changed by the refused calls: both dead jobs are there until an allowed one ran.
    if (scope !== 'admin') expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(2);
  });

  it('the scheme is case-insensitive, and a token is not accepted by its prefix or with a character more', async () => {
    expect((await call(`${server.url}/queues`, { headers: { authorization: `bearer ${TOKEN.read}` } })).status).toBe(200);
    expect((await call(`${server.url}/queues`, { headers: { authorization: `Bearer ${TOKEN.read.slice(0, -1)}` } })).status).toBe(401);
    expect((await call(`${server.url}/queues`, { headers: { authorization: `Bearer ${TOKEN.read}x` } })).status).toBe(401);
  });

  it('the page, its files and the health checks need no token', async () => {
    for (const path of ['/', '/assets/app.js', '/assets/app.css', '/healthz', '/readyz']) expect((await call(`${server.url}${path}`)).status, path).toBe(200);
  });

  it('a URL that does not decode is a JSON 400', async () => {
    const answer = await post('/jobs/%E0%A4%A', TOKEN.enqueue, '{}');
    expect(answer.status).toBe(400);
    expect((answer.json as Json).error).toMatch(/^the URL is not valid: /);
    expect(await namespaceKeys(t.redis, t.prefix)).toEqual([]);
  });

  it('an unknown route is a JSON 404', async () => {
    const answer = await get('/nope?x=1');
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ error: 'no route GET /nope' });
  });
});

/** A GET with a Host header of our choosing (fetch always sends the URL's). */
function rawGet(url: string, host: string): Promise<{ status: number; json: Json }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Json }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser guards', () => {
  it('refuses a request from another origin, even with a good token; its own origin passes', async () => {
    await addDead(['mail', 'o1', NOW]);
    const foreign = await call(`${server.url}/delete_all_dead_jobs`, { method: 'POST', token: TOKEN.admin, headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((foreign.json as Json).error).toMatch(/another origin/);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
    const own = await call(`${server.url}/delete_all_dead_jobs`, { method: 'POST', token: TOKEN.admin, headers: { origin: server.url } });
    expect(own.status).toBe(200);
  });

  it('sends no CORS permission, and headers that keep the page from being framed or sniffed', async () => {
    const answer = await get('/queues');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('without tokens, every route is open to requests addressed to a loopback name, and only to those', async () => {
    await server.close();
    server = await startServer(t, { noAuth: true });
    expect((await call(`${server.url}/queues`)).status).toBe(200);
    expect((await call(`${server.url}/jobs/local`, { method: 'POST', body: '{}' })).status).toBe(201);
    // A DNS name re-pointed at 127.0.0.1 (DNS rebinding) arrives with its own Host.
    const rebound = await rawGet(`${server.url}/queues`, 'attacker.example');
    expect(rebound.status).toBe(403);
    expect(rebound.json.error).toMatch(/only requests addressed to 127.0.0.1, localhost or \[::1\]/);
  });
});

describe('when Redis fails', () => {
  it('/readyz answers 503 within its deadline when Redis takes the connection but never answers', async () => {
    const silent = createServer(() => undefined); // a TCP server that accepts and never replies
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const mute = new Redis(`redis://127.0.0.1:${(silent.address() as AddressInfo).port}`, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    mute.on('error', () => undefined);
    await server.close();
    server = await startServer(t, { redis: mute });
    try {
      const started = Date.now();
      const answer = await call(`${server.url}/readyz`);
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ status: 'unavailable', error: 'Redis: no answer within 2 s' });
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      mute.disconnect();
      silent.close();
    }
  });

  it('a read is a 503 that says Redis is unreachable, logged once', async () => {
    await server.close();
    const broken = await testRedis('serve-down');
    broken.redis.disconnect();
    server = await startServer(broken, { redisDown: () => true });
    const answer = await get('/queues');
    expect(answer.status).toBe(503);
    expect((answer.json as Json).error).toMatch(/^Redis is unreachable: /);
    expect(server.logs).toHaveLength(1);
    expect((await call(`${server.url}/readyz`)).status).toBe(503);
  });
});
