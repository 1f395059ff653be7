// Runs one background role's step on an interval, with jitter, never two steps
// at once, and stops cleanly (waiting for a step in flight).

export interface PeriodicTaskOptions {
  intervalMs: number;
  /** Extra random delay up to this many ms, so pools started together spread out. */
  jitterMs?: number;
  /** Delay before the first run; default: run at once. */
  firstDelayMs?: number;
  onError: (error: unknown) => void;
}

export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly step: () => Promise<void>,
    private readonly options: PeriodicTaskOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.firstDelayMs ?? 0);
  }

  /** Run a step now (e.g. on a wake-up), unless one is already running. */
  poke(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.step()
        .catch((error) => this.options.onError(error))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) {
            const jitter = this.options.jitterMs ? Math.random() * this.options.jitterMs : 0;
            this.schedule(this.options.intervalMs + jitter);
          }
        });
    }, delayMs);
    this.timer.unref?.();
  }
}
