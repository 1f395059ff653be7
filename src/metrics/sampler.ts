// One bounded reader for a metrics endpoint: it reads through the Client on
// an interval, at most one read at a time, and keeps the last sample.
// Scrapes read that sample, so however many scrapers there are (and however
// often they come), Redis sees one read per interval.

export interface SamplerOptions {
  intervalMs: number;
  /** A read still running after this long counts as failed (Redis is away); default the interval. */
  timeoutMs?: number;
  /** Milliseconds on a monotonic clock; injected for tests. */
  now?: () => number;
  onError?: (error: unknown) => void;
}

export class Sampler<T> {
  /** The last sample that was read whole, and when its read ended. */
  latest: T | undefined;
  latestAtMs: number | undefined;
  /** How long the last successful read took, ms. */
  lastDurationMs = 0;
  /** Reads that ended, and those that failed, since the start. */
  reads = 0;
  errors = 0;
  private lastFailed = false;
  private inFlightSinceMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly options: SamplerOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Reads at once, then every interval; resolves when the first read has ended. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops reading; waits for a read in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
  }

  /** The last read succeeded and none has been running for longer than the timeout. */
  healthy(): boolean {
    if (this.latestAtMs === undefined || this.lastFailed) return false;
    return this.inFlightSinceMs === undefined || this.now() - this.inFlightSinceMs <= (this.options.timeoutMs ?? this.options.intervalMs);
  }

  /** Seconds since the last successful read ended; undefined before the first. */
  ageSeconds(): number | undefined {
    return this.latestAtMs === undefined ? undefined : (this.now() - this.latestAtMs) / 1000;
  }

  /** One read, unless one is still running (a slow Redis gets no pile of reads). */
  tick(): Promise<void> {
    if (this.reading) return this.reading;
    const started = this.now();
    this.inFlightSinceMs = started;
    this.reading = this.read()
      .then(
        (sample) => {
          this.latest = sample;
          this.latestAtMs = this.now();
          this.lastDurationMs = this.latestAtMs - started;
          this.lastFailed = false;
        },
        (error: unknown) => {
          this.errors++;
          this.lastFailed = true;
          this.options.onError?.(error);
        },
      )
      .finally(() => {
        this.reads++;
        this.inFlightSinceMs = undefined;
        this.reading = undefined;
      });
    return this.reading;
  }
}
