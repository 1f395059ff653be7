// Shared helpers for the benchmark runner and its worker processes.
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** Queue (job) names q0, q1, …: the same names for every library. */
export function queueNames(count) {
  return Array.from({ length: count }, (_, i) => `q${i}`);
}

export const QUEUES = queueNames(5);

/** `total` slots split as evenly as whole numbers allow: [13, 13, 12, 12] for 50 over 4. */
export function splitSlots(total, parts) {
  if (total < parts) throw new Error(`cannot split ${total} slots over ${parts}: each needs at least one`);
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

/**
 * The options a worker process gets as its sixth argument (JSON): `queues`,
 * how many of queueNames() it serves (default 5); `split`, for libraries
 * with one consumer per queue, whether <concurrency> is this process's total
 * to split over its queues (else each queue gets that many); `snapshotAt`,
 * the job count at which it copies its per-queue counts.
 */
export function workerOptions(argv) {
  const options = JSON.parse(argv ?? '{}');
  return { queues: options.queues ?? QUEUES.length, split: options.split === true, snapshotAt: options.snapshotAt ?? 0 };
}

/**
 * The "count" mode of a worker process: it never stops by itself and answers
 * "report" with how many jobs it finished, when the last one finished (a
 * wall clock, comparable between processes), its per-queue counts when it
 * reached snapshotAt, and the CPU time it has used so far (µs, user +
 * system). Several processes share one backlog this way.
 */
export function jobTally(queueCount, snapshotAt) {
  const perQueue = new Array(queueCount).fill(0);
  let done = 0;
  let lastAt = 0;
  let snapshot = null;
  return {
    count(queue) {
      perQueue[queue]++;
      lastAt = Date.now();
      if (++done === snapshotAt) snapshot = [...perQueue];
    },
    report: () => {
      const cpu = process.cpuUsage();
      return { done, lastAt, snapshot, cpuUs: cpu.user + cpu.system };
    },
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function machine(redisVersion) {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: redisVersion,
  };
}

/** Peak RSS of this process, sampled every 50 ms. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    stop: () => clearInterval(timer),
  };
}

/**
 * A worker process speaking a line protocol: it prints "ready", the parent
 * writes commands ("go", "report"), and it prints one JSON result line.
 * nodeFlags are extra Node/V8 flags for it (the same for both libraries).
 */
export function startWorkerProcess(script, args, nodeFlags = []) {
  const profile = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...nodeFlags, '--max-old-space-size=2048', new URL(script, import.meta.url).pathname, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let buffer = '';
  const waiters = [];
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  const nextLine = () => new Promise((resolve) => waiters.push(resolve));
  return {
    child,
    nextLine,
    send: (command) => child.stdin.write(`${command}\n`),
    exited: new Promise((resolve) => child.on('exit', resolve)),
  };
}

/** Reads commands from the parent, one per line. */
export function onCommand(handler) {
  let buffer = '';
  process.stdin.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      handler(line);
    }
  });
}

export function summarizeLatencies(latencies) {
  return {
    count: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
}

/**
 * Job args of about `bytes` bytes of JSON, the same every call: an order
 * with its lines, plain ASCII text and numbers, as a real payload would be.
 */
export function payloadArgs(bytes) {
  const lines = [];
  const args = { order: 'order-000001', customer: 'customer-4242', lines };
  for (let i = 0; JSON.stringify(args).length < bytes; i++) {
    lines.push({ sku: `SKU-${String(i).padStart(6, '0')}`, title: `Plain product title number ${i}`, qty: (i % 7) + 1, price: Math.round(i * 137.5) / 100 });
  }
  return args;
}

/**
 * Milliseconds on the wall clock with sub-millisecond resolution, comparable
 * between processes of one machine (Date.now() counts whole milliseconds, so
 * pick-up times below 1 ms would all read 0 or 1).
 */
export const wallClockMs = () => performance.timeOrigin + performance.now();
