// A complete handlers module for `work worker` (and the jobs `work demo` runs).
//
//   work worker ./examples/handlers.js --concurrency 10
//
// Export `jobs` (job name -> handler, or { handler, ...options }), and
// optionally `middleware`, `periodic` and `concurrency`. A handler receives the
// job: name, id, args, fails, lastError, enqueuedAt, checkin(message) and
// signal (aborted on timeout or forced shutdown). Throwing fails the job.

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export const jobs = {
  // A fast job: most of a real system's traffic.
  send_email: async (job) => {
    await sleep(5 + Math.random() * 40, job.signal);
  },

  // A slow job that reports progress (visible in `work top` and `work workers`).
  resize_image: {
    priority: 5,
    handler: async (job) => {
      const steps = 5;
      for (let step = 1; step <= steps; step++) {
        job.checkin(`resizing ${job.args.file ?? 'image'}: step ${step}/${steps}`);
        await sleep(300 + Math.random() * 500, job.signal);
      }
    },
  },

  // At most two at once across every pool, and a hard time limit.
  export_report: {
    maxConcurrency: 2,
    timeoutMs: 10_000,
    handler: async (job) => {
      job.checkin('querying');
      await sleep(1000 + Math.random() * 2000, job.signal);
      job.checkin('writing CSV');
      await sleep(500, job.signal);
    },
  },

  // Fails half the time: watch it go to retry, and after three attempts, dead.
  flaky_webhook: {
    maxFails: 3,
    backoff: (job) => 2 * job.fails,
    handler: async (job) => {
      await sleep(20, job.signal);
      if (Math.random() < 0.5) throw new Error(`webhook ${job.args.url ?? ''} answered 503`);
    },
  },

  // Runs on a schedule (see `periodic` below).
  cleanup: async (job) => {
    job.checkin('sweeping temporary files');
    await sleep(200, job.signal);
  },
};

export const middleware = [
  // Middleware wraps every handler; call next() to run the rest of the chain.
  async (job, next) => {
    try {
      await next();
    } catch (error) {
      // Log and rethrow: rethrowing keeps the job's retry/dead path.
      if (process.env.WORK_EXAMPLE_VERBOSE) console.error(`${job.name} ${job.id} failed: ${error.message}`);
      throw error;
    }
  },
];

// Cron specs: 6 fields (with seconds) or standard 5 fields.
export const periodic = [{ spec: '*/15 * * * * *', job: 'cleanup' }];

export const concurrency = 10;
