// How long the durable metrics are kept: a day of minutes, 30 days of hours
// (a little more, so the oldest bucket of a window is still whole).
export const METRICS_TTL = {
  minuteTtlSeconds: 86_400 + 3600,
  hourTtlSeconds: 30 * 86_400 + 86_400,
} as const;
