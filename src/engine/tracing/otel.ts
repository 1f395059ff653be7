// OpenTelemetry spans for enqueues and runs, when the application set up a
// tracer provider. @opentelemetry/api is an optional peer dependency: it is
// imported when a pool starts or an Enqueuer is made (prepareTracing), else
// on first use, and when it is missing or no provider is registered
// nothing is built: no span, no "trace" field in the job (its bytes stay
// gocraft's), at the cost of one check.
//
// The enqueue span's context travels in the job JSON as W3C traceparent and
// tracestate (trace-context.ts) and becomes the parent of each run's span,
// in whatever process runs it.
import type * as Otel from '@opentelemetry/api';
import type { Job } from '../codec/job.js';
import { asError, errorMessage } from '../errors.js';
import { formatTraceparent, parseTraceparent, type TraceContext } from './trace-context.js';

type Api = typeof Otel;

/** The instrumentation scope of every span: the package's name. */
export const TRACER_NAME = 'work-queue';

// undefined: not looked for yet; null: not installed (or it would not load).
let api: Api | null | undefined;
let loading: Promise<void> | undefined;
// What the API's proxy provider hands out while no SDK is registered.
let noopProvider: unknown;

function load(): Promise<void> {
  loading ??= import('@opentelemetry/api').then(
    (module) => {
      api = module;
      noopProvider = new module.ProxyTracerProvider().getDelegate();
    },
    () => {
      api = null;
    },
  );
  return loading;
}

/**
 * Look for the API now rather than on the first job or enqueue: the import
 * takes 20 ms or more, and on the first job it held up every job behind it
 * (the first job of a 1,000 jobs/s load waited 53 ms, the next 50 about 30).
 * Never rejects; a missing API only means no tracing.
 */
export function prepareTracing(): Promise<void> {
  return load();
}

function registered(otel: Api): boolean {
  const provider = otel.trace.getTracerProvider();
  // Another copy of the API registers a provider of its own class: that counts as set up.
  const delegate = provider instanceof otel.ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate !== noopProvider;
}

/**
 * The API when a tracer provider is registered, else undefined. A promise
 * only until the API has been looked for (the first calls).
 */
function tracing(): Api | undefined | Promise<Api | undefined> {
  if (api === undefined) return load().then(() => (api && registered(api) ? api : undefined));
  return api !== null && registered(api) ? api : undefined;
}

/** Tracing must never break a job: an SDK or an exception that throws is ignored. */
function safely(step: () => void): void {
  try {
    step();
  } catch {
    // nothing to do: the span is incomplete, the job is not
  }
}

function failSpan(otel: Api, span: Otel.Span, thrown: unknown): void {
  safely(() => span.recordException(asError(thrown)));
  safely(() => span.setStatus({ code: otel.SpanStatusCode.ERROR, message: errorMessage(thrown) }));
}

/** The span's context as the job's "trace" field; undefined for an invalid (non-recording, unpropagated) one. */
function contextOf(otel: Api, span: Otel.Span): TraceContext | undefined {
  const sc = span.spanContext();
  if (!otel.isSpanContextValid(sc)) return undefined;
  const tracestate = sc.traceState?.serialize();
  return { traceparent: formatTraceparent(sc.traceId, sc.spanId, sc.traceFlags), ...(tracestate ? { tracestate } : {}) };
}

export interface EnqueueSpanInfo {
  /** The job name, or the names of a bulk enqueue. */
  names: readonly string[];
  /** Jobs enqueued by the call. */
  count: number;
}

/**
 * Runs an enqueue: `send` builds and writes the jobs with the trace context
 * it is given. With tracing on, that is the context of a producer span
 * around the call, child of the caller's active span; `refused` marks a
 * unique job that was not written. With tracing off, `send(undefined)`
 * and `info` (a function, so a bulk's names are not gathered for nothing)
 * is never called.
 */
export function traceEnqueue<T>(info: () => EnqueueSpanInfo, send: (trace: TraceContext | undefined) => Promise<T>, refused?: (result: T) => boolean): Promise<T> {
  const otel = tracing();
  if (otel === undefined) return send(undefined);
  if (otel instanceof Promise) return otel.then((ready) => (ready ? enqueueSpan(ready, info, send, refused) : send(undefined)));
  return enqueueSpan(otel, info, send, refused);
}

function enqueueSpan<T>(otel: Api, describe: () => EnqueueSpanInfo, send: (trace: TraceContext | undefined) => Promise<T>, refused?: (result: T) => boolean): Promise<T> {
  let info: EnqueueSpanInfo;
  try {
    info = describe();
  } catch {
    info = { names: [], count: 0 }; // the enqueue itself says what is wrong with its input
  }
  const single = info.names.length === 1 ? info.names[0]! : undefined;
  const span = otel.trace.getTracer(TRACER_NAME).startSpan(`enqueue ${single ?? 'bulk'}`, {
    kind: otel.SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'work',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'enqueue',
      ...(single !== undefined ? { 'messaging.destination.name': single } : { 'work.job.names': [...info.names] }),
      ...(info.count !== 1 ? { 'messaging.batch.message_count': info.count } : {}),
    },
  });
  const active = otel.trace.setSpan(otel.context.active(), span);
  let sending: Promise<T>;
  try {
    sending = otel.context.with(active, () => send(contextOf(otel, span)));
  } catch (error) {
    failSpan(otel, span, error);
    span.end();
    throw error;
  }
  return sending.then(
    (result) => {
      if (refused?.(result)) safely(() => span.setAttribute('work.enqueue.refused', true));
      span.end();
      return result;
    },
    (error: unknown) => {
      failSpan(otel, span, error);
      span.end();
      throw error;
    },
  );
}

/** How a run ended, for its span. */
export type RunEnd = 'ok' | 'retry' | 'dead' | 'discard' | 'requeued';

export interface RunSpan {
  /** Calls `handler` with the span active, so spans the handler starts are its children. */
  run<T>(handler: () => T): T;
  end(outcome: RunEnd, thrown?: unknown): void;
}

/**
 * A consumer span for one run of a job, child of the span that enqueued it
 * (from the job's "trace" field) or a root span. Undefined with tracing off;
 * a promise only on the first calls, while the API is looked for.
 */
export function startRunSpan(job: Job, queueName: string): RunSpan | undefined | Promise<RunSpan | undefined> {
  const otel = tracing();
  if (otel === undefined) return undefined;
  if (otel instanceof Promise) return otel.then((ready) => (ready ? runSpan(ready, job, queueName) : undefined));
  return runSpan(otel, job, queueName);
}

function runSpan(otel: Api, job: Job, queueName: string): RunSpan {
  // Not the active context: a pool started inside some span must not make
  // every run that span's child.
  const parent = parentContext(otel, job.trace);
  const span = otel.trace.getTracer(TRACER_NAME).startSpan(
    `process ${queueName}`,
    {
      kind: otel.SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'work',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': queueName,
        'messaging.message.id': job.id,
        'work.job.attempt': job.fails + 1,
      },
    },
    parent,
  );
  const active = otel.trace.setSpan(parent, span);
  return {
    run: (handler) => otel.context.with(active, handler),
    end(outcome, thrown) {
      safely(() => span.setAttribute('work.job.outcome', outcome));
      if (outcome !== 'ok' && outcome !== 'requeued') failSpan(otel, span, thrown);
      safely(() => span.end());
    },
  };
}

function parentContext(otel: Api, trace: TraceContext | undefined): Otel.Context {
  const parsed = trace ? parseTraceparent(trace.traceparent) : undefined;
  if (!parsed) return otel.ROOT_CONTEXT;
  let traceState: Otel.TraceState | undefined;
  if (trace?.tracestate) {
    try {
      traceState = otel.createTraceState(trace.tracestate);
    } catch {
      traceState = undefined;
    }
  }
  return otel.trace.setSpanContext(otel.ROOT_CONTEXT, {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parsed.flags,
    isRemote: true,
    ...(traceState ? { traceState } : {}),
  });
}
