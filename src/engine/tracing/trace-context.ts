// The W3C Trace Context a job carries from its enqueuer to its handler, in
// the job JSON's "trace" field: {"traceparent":"00-<trace>-<span>-<flags>",
// "tracestate":"…"}. Pure: formatting and parsing of the traceparent header,
// version 00, with nothing of OpenTelemetry itself.

/** What the "trace" field holds: the two W3C headers, as text. */
export interface TraceContext {
  traceparent: string;
  /** Vendor entries (`key=value,…`), when the trace has any. */
  tracestate?: string;
}

export interface ParsedTraceparent {
  traceId: string;
  spanId: string;
  /** The trace-flags byte; bit 0 is "sampled". */
  flags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/** The traceparent header of a span: version 00, lower-case hex. */
export function formatTraceparent(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * Reads a traceparent header by the W3C rules: version ff and all-zero ids
 * are invalid, version 00 has exactly four fields, a later version may add
 * fields after a dash. Undefined for anything else: a bad context is
 * dropped, the job still runs.
 */
export function parseTraceparent(text: string): ParsedTraceparent | undefined {
  const match = TRACEPARENT.exec(text.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return undefined;
  return { traceId, spanId, flags: parseInt(flags, 16) };
}
