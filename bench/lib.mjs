// Shared helpers for the benchmark runner and its worker processes.
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export const QUEUES = ['q0', 'q1', 'q2', 'q3', 'q4'];

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
