// OpenTelemetry: without an SDK nothing changes (gocraft's exact bytes);
// with one, an enqueue span's context travels in the job's "trace" field
// through Redis and becomes the parent of each run's span, and the handler's
// own spans are children of the run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearFailure, decodeJob, encodeJob, markFailed, type Job } from '../../src/engine/codec/job.js';
import { queueKey, retryKey, scheduledKey } from '../../src/engine/codec/keys.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { formatTraceparent, parseTraceparent } from '../../src/engine/tracing/trace-context.js';
import { onAnotherServer, redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('the traceparent header', () => {
  it('is written as version 00 and read by the W3C rules', () => {
    expect(formatTraceparent(TRACE, SPAN, 1)).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: 1 });
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-00-later-fields`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: 0 });
  });
  it.each([
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['extra fields on version 00', `00-${TRACE}-${SPAN}-01-x`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['a short id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['junk', 'hello'],
  ])('refuses %s', (_label, text) => expect(parseTraceparent(text)).toBeUndefined());
});

describe('the "trace" field of the job JSON', () => {
  const job: Job = { name: 'email', id: 'abc', enqueuedAt: 1, args: { to: 'a' }, unique: false, fails: 0 };
  const traced = { ...job, trace: { traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'k=v' } };

  it('is written after gocraft\'s fields, only when there is a context', () => {
    expect(encodeJob(job)).toBe('{"name":"email","id":"abc","t":1,"args":{"to":"a"}}');
    expect(encodeJob(traced)).toBe(`{"name":"email","id":"abc","t":1,"args":{"to":"a"},"trace":{"traceparent":"00-${TRACE}-${SPAN}-01","tracestate":"k=v"}}`);
  });

  it('is read back on both decoding paths, and a bad one is ignored, never a reason to refuse the job', () => {
    expect(decodeJob(encodeJob(traced))).toEqual(traced);
    // A key in another case sends the job through the strict (Go rules) decoder.
    const strict = `{"Name":"email","id":"abc","t":1,"args":{"to":"a"},"trace":{"traceparent":"00-${TRACE}-${SPAN}-01"}}`;
    expect(decodeJob(strict).trace).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01` });
    for (const bad of ['"trace":7', '"trace":null', '"trace":{"traceparent":1}', '"trace":[]']) {
      expect(decodeJob(`{"name":"email","id":"abc","t":1,"args":null,${bad}}`)).toEqual({ ...job, args: null });
      expect(decodeJob(`{"Name":"email","id":"abc","t":1,"args":null,${bad}}`)).toEqual({ ...job, args: null });
    }
  });

  it('survives a failure and a retry, which edit the bytes in place', () => {
    const failed = markFailed(encodeJob(traced), 1, 'boom', 5);
    expect(decodeJob(failed)).toMatchObject({ trace: traced.trace, fails: 1, lastError: 'boom' });
    expect(decodeJob(clearFailure(failed, 9))).toEqual({ ...traced, enqueuedAt: 9 });
  });
});

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('otel');
});
afterEach(() => t.cleanup());

// These run first: @opentelemetry/api is installed, but no SDK is registered yet.
describe('without an OpenTelemetry SDK', () => {
  it('writes exactly gocraft\'s bytes, with no "trace" field, and runs the jobs', async () => {
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    const job = await enqueuer.enqueue('email', { to: 'a@example.com' });
    await enqueuer.enqueueIn('email', 60, { to: 'b' });
    await enqueuer.enqueueBulk([{ name: 'email', args: { n: 1 } }]);
    await enqueuer.enqueue('email', { n: 2 }, { unique: true });
    const queued = await t.redis.lrange(queueKey(t.prefix, 'email'), 0, -1);
    const scheduled = await t.redis.zrange(scheduledKey(t.prefix), 0, -1);
    expect(queued.at(-1)).toBe(`{"name":"email","id":"${job.id}","t":${job.enqueuedAt},"args":{"to":"a@example.com"}}`);
    for (const bytes of [...queued, ...scheduled]) expect(bytes).not.toContain('trace');
    expect(queued).toHaveLength(3);

    let ran = 0;
    const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace }).job('email', () => {
      ran++;
      expect(trace.getActiveSpan()).toBeUndefined();
    });
    await pool.start();
    await waitFor(() => ran === 3);
    await pool.stop();
  });
});

// In the standalone project only: it checks how the built package loads,
// which no other server changes (and its script connects with a plain `new Redis(url)`).
describe.skipIf(onAnotherServer())('without @opentelemetry/api installed', () => {
  it('the built package loads, enqueues gocraft\'s bytes and runs jobs', () => {
    // The built tree, copied beside a node_modules that has everything but @opentelemetry.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'work-no-otel-'));
    try {
      cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      mkdirSync(join(dir, 'node_modules'));
      for (const entry of readdirSync(join(root, 'node_modules'))) {
        if (entry !== '@opentelemetry' && entry !== '.bin') symlinkSync(join(root, 'node_modules', entry), join(dir, 'node_modules', entry));
      }
      writeFileSync(
        join(dir, 'run.mjs'),
        `import { Redis } from 'ioredis';
        import { Enqueuer, WorkerPool } from './dist/index.js';
        const [url, ns, key] = process.argv.slice(2);
        const otel = await import('@opentelemetry/api').then(() => 'installed', () => 'missing');
        const enqueuer = new Enqueuer({ redis: url, namespace: ns });
        await enqueuer.enqueue('email', { to: 'a' });
        const redis = new Redis(url);
        const [bytes] = await redis.lrange(key, 0, -1);
        let ran = 0;
        const pool = new WorkerPool({ redis: url, namespace: ns }).job('email', () => { ran++; });
        await pool.start();
        while (ran === 0) await new Promise((r) => setTimeout(r, 10));
        await pool.stop();
        await enqueuer.close();
        redis.disconnect();
        console.log(JSON.stringify({ otel, bytes, ran }));`,
      );
      const result = spawnSync(process.execPath, ['run.mjs', redisUrl(), t.namespace, queueKey(t.prefix, 'email')], { cwd: dir, encoding: 'utf8', timeout: 15_000 });
      expect(result.status, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout) as { otel: string; bytes: string; ran: number };
      expect(out.otel).toBe('missing');
      expect(out.bytes).toMatch(/^\{"name":"email","id":"[0-9a-f]{24}","t":\d+,"args":\{"to":"a"\}\}$/);
      expect(out.ran).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('with an OpenTelemetry SDK', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('links the run to its enqueue through Redis: the run span is the enqueue span\'s child, the handler\'s spans the run\'s', async () => {
    const tracer = trace.getTracer('test');
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    const request = tracer.startSpan('request');
    const job = await context.with(trace.setSpan(context.active(), request), () => enqueuer.enqueue('email', { to: 'a' }));
    request.end();

    const [enqueue] = spans('enqueue email');
    expect(enqueue).toBeDefined();
    expect(enqueue!.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(enqueue!)).toBe(request.spanContext().spanId);
    expect(enqueue!.attributes).toMatchObject({ 'messaging.destination.name': 'email', 'messaging.operation.type': 'send' });
    // What a pool in any process reads: the context, in the job's bytes.
    const [bytes] = await t.redis.lrange(queueKey(t.prefix, 'email'), 0, -1);
    const sc = enqueue!.spanContext();
    expect(JSON.parse(bytes!).trace).toEqual({ traceparent: formatTraceparent(sc.traceId, sc.spanId, sc.traceFlags) });
    expect(job.trace?.traceparent).toBe(`00-${sc.traceId}-${sc.spanId}-01`);

    const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace }).job('email', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      tracer.startSpan('send smtp').end(); // the active span survives the await
    });
    // A pool started inside a span does not make its runs that span's children.
    await tracer.startActiveSpan('deploy', async (deploy) => {
      await pool.start();
      deploy.end();
    });
    await waitFor(() => spans('send smtp').length === 1);
    await pool.stop();

    const [run] = spans('process email');
    expect(run!.kind).toBe(SpanKind.CONSUMER);
    expect(run!.spanContext().traceId).toBe(sc.traceId);
    expect(parentOf(run!)).toBe(sc.spanId);
    expect(run!.parentSpanContext?.isRemote).toBe(true);
    expect(run!.attributes).toMatchObject({ 'messaging.message.id': job.id, 'work.job.attempt': 1, 'work.job.outcome': 'ok' });
    expect(run!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(parentOf(spans('send smtp')[0]!)).toBe(run!.spanContext().spanId);
  });

  it('gives every attempt of a failing job its own run span under the same enqueue, with the error and what happened next', async () => {
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    // A context that arrived from elsewhere, with vendor tracestate: both travel on.
    const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true, traceState: createTraceState('vendor=abc') });
    await context.with(remote, () => enqueuer.enqueue('flaky', {}));
    const [enqueue] = spans('enqueue flaky');
    expect(enqueue!.spanContext().traceId).toBe(TRACE);
    const [bytes] = await t.redis.lrange(queueKey(t.prefix, 'flaky'), 0, -1);
    expect(JSON.parse(bytes!).trace.tracestate).toBe('vendor=abc');

    const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace, requeuerIntervalMs: 50 }).job('flaky', { maxFails: 2, backoff: () => 0 }, () => {
      throw new Error('smtp 421');
    });
    await pool.start();
    await waitFor(() => spans('process flaky').length === 2);
    await pool.stop();
    expect(await t.redis.zcard(retryKey(t.prefix))).toBe(0);
    const runs = spans('process flaky');
    expect(runs.map((r) => r.attributes['work.job.outcome'])).toEqual(['retry', 'dead']);
    expect(runs.map((r) => r.attributes['work.job.attempt'])).toEqual([1, 2]);
    for (const run of runs) {
      expect(parentOf(run)).toBe(enqueue!.spanContext().spanId);
      expect(run.spanContext().traceState?.get('vendor')).toBe('abc');
      expect(run.status).toEqual({ code: SpanStatusCode.ERROR, message: 'smtp 421' });
      expect(run.events.map((e) => e.name)).toContain('exception');
    }
  });

  it('makes one span for a bulk enqueue, whose context every job carries; a refused unique job is marked', async () => {
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueueBulk([{ name: 'a' }, { name: 'b' }, { name: 'a' }]);
    const [bulk] = spans('enqueue bulk');
    expect(bulk!.attributes).toMatchObject({ 'messaging.batch.message_count': 3, 'work.job.names': ['a', 'b'] });
    const carried = [...(await t.redis.lrange(queueKey(t.prefix, 'a'), 0, -1)), ...(await t.redis.lrange(queueKey(t.prefix, 'b'), 0, -1))].map(
      (b) => JSON.parse(b).trace.traceparent as string,
    );
    expect(new Set(carried)).toEqual(new Set([`00-${bulk!.spanContext().traceId}-${bulk!.spanContext().spanId}-01`]));

    expect(await enqueuer.enqueueUnique('u', { k: 1 })).not.toBeNull();
    expect(await enqueuer.enqueueUnique('u', { k: 1 })).toBeNull();
    expect(spans('enqueue u').map((s) => s.attributes['work.enqueue.refused'])).toEqual([undefined, true]);
    await expect(enqueuer.enqueue('bad name', {})).rejects.toThrow();
    expect(spans('enqueue bad name')[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
