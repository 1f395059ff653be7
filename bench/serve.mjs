// The `serve` scenario: enqueue over HTTP. The built `work serve` runs as its
// own process with a token; this process keeps CONNECTIONS keep-alive
// connections busy with POST /jobs/:name, one request in flight on each, for
// a fixed time, and times every request from send to full answer.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, percentile } from './lib.mjs';

export const CONNECTIONS = 32;
const JOB = 'http_enqueue';

/** Starts `work serve` on a free port; resolves with its URL and a stop(). */
async function startServe(redisUrl, namespace, tokensFile) {
  const cli = new URL('../dist/commands/cli.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'serve', '--json', '--port', '0', '--redis', redisUrl, '-n', namespace, '--tokens-file', tokensFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /"url":"([^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`work serve exited with ${code} before listening`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function post(agent, url, token, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/jobs/${JOB}`,
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    // A server that stops answering fails the run instead of hanging the bench.
    req.setTimeout(10_000, () => req.destroy(new Error('work serve did not answer within 10 s')));
    req.end(body);
  });
}

/**
 * One run: warm up for a second, then `seconds` of load. Returns
 * requests/s, latency percentiles (ms), and whether every answer was a 201
 * and every job reached the queue.
 */
export async function serveRun({ redisUrl, admin, namespace, seconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'work-bench-serve-'));
  const token = randomBytes(24).toString('hex');
  const tokensFile = join(dir, 'tokens');
  writeFileSync(tokensFile, `enqueue:${token}\n`, { mode: 0o600 });
  const server = await startServe(redisUrl, namespace, tokensFile);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  let refused = 0;
  let sent = 0;
  const load = async (untilMs, record) => {
    const connection = async () => {
      while (performance.now() < untilMs) {
        const body = `{"args":{"i":${sent++}}}`;
        const t0 = performance.now();
        const status = await post(agent, server.url, token, body);
        if (record) latencies.push(performance.now() - t0);
        if (status !== 201) refused++;
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, connection));
  };
  try {
    await load(performance.now() + 1000, false);
    const t0 = performance.now();
    await load(t0 + seconds * 1000, true);
    const elapsed = (performance.now() - t0) / 1000;
    const queued = await admin.llen(`${namespace}:jobs:${JOB}`);
    return {
      requestsPerSec: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      requests: latencies.length,
      refused,
      allQueued: queued === sent,
    };
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `runs` runs in fresh namespaces; the median of each figure. */
export async function serveScenario({ redisUrl, admin, fresh, runs, seconds }) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    samples.push(await serveRun({ redisUrl, admin, namespace: fresh('serve'), seconds }));
    await admin.flushall(); // the private server is ours alone
  }
  const problems = samples.filter((s) => s.refused > 0 || !s.allQueued);
  if (problems.length > 0) console.error(`bench: serve: ${problems.length} run(s) had answers other than 201 or jobs missing from the queue`);
  return { samples, requestsPerSec: median(samples.map((s) => s.requestsPerSec)), p50: median(samples.map((s) => s.p50)), p99: median(samples.map((s) => s.p99)) };
}
