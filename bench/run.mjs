// `npm run bench`: work, BullMQ and bee-queue side by side on one private
// redis-server, alternating, several runs, medians and ratios; results in
// bench/results/. The newer scenarios live in bench/scenarios/.
// Flags: --runs N (default 3), --quick (smaller sizes), --only a,b (scenario names).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Client } from '../dist/index.js';
import { fetchSnapshot } from '../dist/tui/data/fetch-snapshot.js';
import { startRedisServer } from '../dist/support/private-redis.js';
import { machine, median, QUEUES, startWorkerProcess, wallClockMs } from './lib.mjs';
import { seedConsoleCluster, countRoundTrips } from './seed.mjs';
import { CONNECTIONS, serveScenario } from './serve.mjs';
import { enqueueAll, LIBS, openProducer } from './libraries.mjs';
import { redisCounters, redisCostPerJob } from './scenarios/common.mjs';
import { scaleScenarios } from './scenarios/scale.mjs';
import { fairnessScenarios } from './scenarios/fairness.mjs';
import { payloadScenarios } from './scenarios/payload.mjs';
import { producerScenarios } from './scenarios/producer.mjs';
import { searchScenario } from './scenarios/search.mjs';
import { metricsCostScenario } from './scenarios/metrics-cost.mjs';
import { clusterScenario } from './scenarios/cluster.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const quick = flag('quick');
const runs = Number(value('runs', quick ? 1 : 3));
const only = value('only', 'throughput,memory,latency,scale,slots,names,fairness,payload,producer,console,listing,search,repair').split(',');
const SIZES = {
  jobs: quick ? 20_000 : 100_000,
  latencySeconds: quick ? 5 : 20,
  dead: quick ? 100_000 : 1_000_000,
  serveSeconds: quick ? 3 : 10,
};
const CONCURRENCY = 50;

const server = await startRedisServer(['--maxmemory', '0']);
const admin = new Redis(server.url);
const info = await admin.info('server');
const env = machine(/redis_version:(\S+)/.exec(info)?.[1]);
const results = { at: new Date().toISOString(), machine: env, sizes: SIZES, runs, scenarios: {} };
const rows = [];
let round = 0;
const fresh = (lib) => `${lib}${++round}`;
console.error(`bench: ${env.cpu}, ${env.cores} cores, node ${env.node}, redis ${env.redis}; ${runs} run(s)${quick ? ', quick sizes' : ''}`);

// ---- 1 and 3: throughput and worker memory ---------------------------------
// V8 grows a busy process's young generation to 16 MiB semi-spaces; the
// "small young generation" runs cap them at 1 MiB, for both libraries alike.
const SMALL_YOUNG_GENERATION = ['--max-semi-space-size=1'];

async function throughputRun(lib, nodeFlags = []) {
  const ns = fresh(lib);
  const jobs = Array.from({ length: SIZES.jobs }, (_, i) => ({ name: QUEUES[i % QUEUES.length], args: { i } }));
  const enqueueSeconds = await enqueueAll(lib, server.url, ns, jobs);
  const worker = startWorkerProcess(`./workers/${lib}-worker.mjs`, [server.url, ns, 'throughput', String(SIZES.jobs), String(CONCURRENCY)], nodeFlags);
  await worker.nextLine();
  const before = await redisCounters(admin);
  worker.send('go');
  const result = JSON.parse(await worker.nextLine());
  const { redisCpuUs } = redisCostPerJob(before, await redisCounters(admin), SIZES.jobs);
  await worker.exited;
  return { enqueuePerSec: SIZES.jobs / enqueueSeconds, processPerSec: SIZES.jobs / (result.ms / 1000), rssMiB: result.rssPeak / 2 ** 20, redisCpuUs };
}

// ---- 2: pick-up latency ----------------------------------------------------
async function latencyRun(lib) {
  const ns = fresh(lib);
  const worker = startWorkerProcess(`./workers/${lib}-worker.mjs`, [server.url, ns, 'latency', '0', String(CONCURRENCY)]);
  await worker.nextLine();
  worker.send('go');
  const producer = await openProducer(lib, server.url, ns, QUEUES);
  const add = (name) => producer.add(name, { t: wallClockMs() });
  await new Promise((r) => setTimeout(r, 500));
  // A steady 1,000 jobs/s: one job per millisecond of schedule, sent in 1 ms ticks.
  const start = performance.now();
  let sent = 0;
  const total = SIZES.latencySeconds * 1000;
  while (sent < total) {
    const due = Math.min(total, Math.floor(performance.now() - start));
    const batch = [];
    while (sent < due) batch.push(add(QUEUES[sent++ % QUEUES.length]));
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, 1));
  }
  await new Promise((r) => setTimeout(r, 1000));
  worker.send('report');
  const steady = JSON.parse(await worker.nextLine());
  // An idle pool picking up a single job: idle for 2.5 s first, five times.
  const idle = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 2500));
    await add('q0');
    await new Promise((r) => setTimeout(r, 300));
    worker.send('report');
    idle.push(JSON.parse(await worker.nextLine()).max);
  }
  await producer.close();
  worker.send('exit');
  await worker.exited;
  return { p50: steady.p50, p99: steady.p99, max: steady.max, received: steady.count, idlePickupMs: median(idle) };
}

/**
 * Runs the built `work` CLI as an operator would, with a PING probe on
 * another connection: wall time, the child's peak RSS (VmHWM, read from /proc
 * until it exits) and the longest PING. Output lines are counted, and kept
 * only when short (a --json summary).
 */
async function runCliMeasured(cliArgs) {
  const probe = startWorkerProcess('./workers/ping-probe.mjs', [server.url]);
  await probe.nextLine();
  const t0 = performance.now();
  const child = spawn(process.execPath, [new URL('../dist/commands/cli.js', import.meta.url).pathname, ...cliArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  let lines = 0;
  let head = '';
  child.stdout.on('data', (chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (head.length < 4096) head += chunk.toString();
  });
  let peakKiB = 0;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
    } catch {
      // exited between two samples
    }
  };
  const timer = setInterval(sample, 20);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  probe.send('report');
  const { worstPingMs } = JSON.parse(await probe.nextLine());
  await probe.exited;
  if (code !== 0) throw new Error(`work ${cliArgs[0]} exited with ${code}`);
  return { seconds, peakRssMiB: peakKiB / 1024, worstPingMs, lines, stdout: head };
}

async function compare(name, run, metrics) {
  console.error(`bench: ${name}…`);
  const samples = Object.fromEntries(LIBS.map((lib) => [lib, []]));
  for (let i = 0; i < runs; i++) {
    // Each run starts with the next library, so none always goes first.
    for (const lib of LIBS.map((_, k) => LIBS[(i + k) % LIBS.length])) {
      samples[lib].push(await run(lib));
      await admin.flushall(); // the private server is ours alone
    }
  }
  results.scenarios[name] = samples;
  for (const [metric, label, unit, better] of metrics) {
    const [w, b, q] = LIBS.map((lib) => median(samples[lib].map((s) => s[metric])));
    rows.push({ scenario: name, metric: label, work: w, bullmq: b, bee: q, ratio: w / b, ratioBee: w / q, unit, better });
  }
}

if (only.includes('throughput')) {
  await compare('throughput', throughputRun, [
    ['enqueuePerSec', `bulk enqueue ${SIZES.jobs} jobs`, 'jobs/s', 'higher'],
    ['processPerSec', `process ${SIZES.jobs} no-op jobs, 5 queues`, 'jobs/s', 'higher'],
    ['rssMiB', 'worker peak RSS', 'MiB', 'lower'],
    ['redisCpuUs', 'Redis CPU per processed no-op job', 'µs', 'lower'],
  ]);
}
if (only.includes('memory')) {
  await compare('memory', (lib) => throughputRun(lib, SMALL_YOUNG_GENERATION), [
    ['processPerSec', `process ${SIZES.jobs} jobs, ${SMALL_YOUNG_GENERATION[0]}`, 'jobs/s', 'higher'],
    ['rssMiB', `worker peak RSS, ${SMALL_YOUNG_GENERATION[0]}`, 'MiB', 'lower'],
  ]);
}
if (only.includes('latency')) {
  await compare('latency', latencyRun, [
    ['p50', 'pick-up p50 at 1,000 jobs/s', 'ms', 'lower'],
    ['p99', 'pick-up p99 at 1,000 jobs/s', 'ms', 'lower'],
    ['max', 'pick-up max at 1,000 jobs/s', 'ms', 'lower'],
    ['idlePickupMs', 'idle pool picks up one job', 'ms', 'lower'],
  ]);
}

// ---- scale, slots, names, fairness, payload, producer (bench/scenarios/) ----
const scenarioContext = { server, admin, fresh, quick };
const added = [...scaleScenarios(scenarioContext), ...fairnessScenarios(scenarioContext), ...payloadScenarios(scenarioContext), ...producerScenarios(scenarioContext)];
for (const scenario of added) {
  if (only.includes(scenario.name)) await compare(scenario.name, scenario.run, scenario.metrics);
}

// ---- 4 and 5: console cost and bulk repair (work only) ----------------------
if (only.includes('console') || only.includes('listing') || only.includes('search') || only.includes('repair')) {
  const ns = fresh('work');
  console.error(`bench: seeding 1,000 queues, 100 pools and ${SIZES.dead} dead jobs…`);
  await seedConsoleCluster(admin, ns, SIZES.dead);
  const redis = new Redis(server.url);
  const counter = countRoundTrips(redis);
  const client = new Client({ redis, namespace: ns });
  const refreshes = [];
  for (let i = 0; i < 5; i++) {
    await admin.config('RESETSTAT');
    const trips = counter.count();
    const t0 = performance.now();
    await fetchSnapshot(client, { set: 'dead', page: 1 }, Date.now());
    const wallMs = performance.now() - t0;
    const stats = await admin.info('commandstats');
    // The INFO call of the refresh itself counts; RESETSTAT before each refresh isolates it.
    const usec = [...stats.matchAll(/usec=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    refreshes.push({ roundTrips: counter.count() - trips, redisMs: usec / 1000, wallMs });
  }
  results.scenarios.console = refreshes;
  rows.push({ scenario: 'console', metric: `work top refresh: round trips (${SIZES.dead} dead)`, work: median(refreshes.map((r) => r.roundTrips)), unit: '', better: 'lower' });
  rows.push({ scenario: 'console', metric: 'work top refresh: Redis time', work: median(refreshes.map((r) => r.redisMs)), unit: 'ms', better: 'lower' });
  rows.push({ scenario: 'console', metric: 'work top refresh: wall time', work: median(refreshes.map((r) => r.wallMs)), unit: 'ms', better: 'lower' });

  if (only.includes('listing')) {
    console.error(`bench: work dead --all --json on ${SIZES.dead} dead jobs, probing Redis with PING every 10 ms…`);
    const run = await runCliMeasured(['dead', '--all', '--json', '--redis', server.url, '-n', ns]);
    results.scenarios.listing = run;
    rows.push({ scenario: 'listing', metric: `dead --all --json, ${SIZES.dead} jobs: wall time`, work: run.seconds, unit: 's', better: 'lower' });
    rows.push({ scenario: 'listing', metric: 'dead --all --json: peak RSS', work: run.peakRssMiB, unit: 'MiB', better: 'lower' });
    rows.push({ scenario: 'listing', metric: 'dead --all --json: longest Redis stall (PING)', work: run.worstPingMs, unit: 'ms', better: 'lower' });
    if (run.lines !== SIZES.dead) console.error(`bench: listing printed ${run.lines} lines, expected ${SIZES.dead}`);
  }

  if (only.includes('search')) {
    console.error(`bench: search of ${SIZES.dead} dead jobs through the Client, probing Redis with PING every 10 ms…`);
    const result = await searchScenario({ client, admin, server, ns, dead: SIZES.dead });
    results.scenarios.search = result.samples;
    rows.push(...result.rows);
  }

  if (only.includes('repair')) {
    console.error(`bench: work retry-dead --all on ${SIZES.dead} dead jobs, probing Redis with PING every 10 ms…`);
    const run = await runCliMeasured(['retry-dead', '--all', '--json', '--redis', server.url, '-n', ns]);
    const { retried, total } = JSON.parse(run.stdout);
    results.scenarios.repair = { retried, total, ...run, stdout: undefined };
    rows.push({ scenario: 'repair', metric: `retry-dead --all on ${retried} dead jobs`, work: run.seconds, unit: 's', better: 'lower' });
    rows.push({ scenario: 'repair', metric: 'retry-dead --all: peak RSS', work: run.peakRssMiB, unit: 'MiB', better: 'lower' });
    rows.push({ scenario: 'repair', metric: 'longest Redis stall meanwhile (PING)', work: run.worstPingMs, unit: 'ms', better: 'lower' });
  }
  redis.disconnect();
}

// ---- 6: enqueue over HTTP through work serve (work only) ----------------------
if (only.includes('serve')) {
  console.error(`bench: serve: POST /jobs/:name on ${CONNECTIONS} keep-alive connections for ${SIZES.serveSeconds} s…`);
  const result = await serveScenario({ redisUrl: server.url, admin, fresh, runs, seconds: SIZES.serveSeconds });
  results.scenarios.serve = result.samples;
  rows.push({ scenario: 'serve', metric: `enqueue over HTTP, ${CONNECTIONS} keep-alive connections`, work: result.requestsPerSec, unit: 'requests/s', better: 'higher' });
  rows.push({ scenario: 'serve', metric: 'enqueue over HTTP: p50 latency', work: result.p50, unit: 'ms', better: 'lower' });
  rows.push({ scenario: 'serve', metric: 'enqueue over HTTP: p99 latency', work: result.p99, unit: 'ms', better: 'lower' });
}

// ---- 7: what metrics cost a worker (work only) --------------------------------
if (only.includes('metrics')) {
  console.error('bench: metrics: no counters, durable counters, durable + Prometheus collector…');
  const result = await metricsCostScenario({ server, admin, fresh, runs, jobs: SIZES.jobs });
  results.scenarios.metrics = result.samples;
  rows.push(...result.rows);
}

// ---- 8: a 3-master Redis Cluster against one server (work only) -------------
if (only.includes('cluster')) {
  const scenario = clusterScenario({ server, admin, quick });
  console.error('bench: cluster: three namespaces on one server, then on a 3-master cluster…');
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await scenario.run());
  results.scenarios.cluster = samples;
  for (const [metric, label, unit, better] of scenario.metrics) rows.push({ scenario: 'cluster', metric: label, work: median(samples.map((x) => x[metric])), unit, better });
}

// ---- report ------------------------------------------------------------------
const TARGETS = {
  [`process ${SIZES.jobs} no-op jobs, 5 queues`]: (r) => r.ratio >= 5,
  'Redis CPU per processed no-op job': (r) => r.ratio <= 0.15,
  [`bulk enqueue ${SIZES.jobs} jobs`]: (r) => r.ratio >= 3,
  'pick-up p99 at 1,000 jobs/s': (r) => r.work <= 2 && r.work <= r.bee,
  'idle pool picks up one job': (r) => r.work <= 10,
  'worker peak RSS': (r) => r.ratio <= 0.7,
  [`worker peak RSS, ${SMALL_YOUNG_GENERATION[0]}`]: (r) => r.ratio <= 0.7,
  [`work top refresh: round trips (${SIZES.dead} dead)`]: (r) => r.work <= 10,
  [`retry-dead --all on ${SIZES.dead} dead jobs`]: (r) => r.work <= 15 * (SIZES.dead / 1_000_000),
  'longest Redis stall meanwhile (PING)': (r) => r.work <= 50,
  'search, 2 match: longest Redis stall (PING)': (r) => r.work <= 50,
  'search, every one matches: longest Redis stall (PING)': (r) => r.work <= 50,
  [`dead --all --json, ${SIZES.dead} jobs: wall time`]: (r) => r.work <= 30 * (SIZES.dead / 1_000_000),
  'dead --all --json: peak RSS': (r) => r.work <= 150,
  'dead --all --json: longest Redis stall (PING)': (r) => r.work <= 50,
  ...Object.assign({}, ...added.map((scenario) => scenario.targets)),
};
const fmt = (n) => (n === undefined ? '' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));
const lines = [
  `| scenario | metric | work | BullMQ | bee-queue | work / BullMQ | work / bee-queue | target |`,
  `|---|---|---:|---:|---:|---:|---:|---|`,
  ...rows.map((r) => {
    const check = TARGETS[r.metric];
    const target = check ? (check(r) ? 'met' : 'MISSED') : '';
    const cell = (n) => (n === undefined ? '' : `${fmt(n)} ${r.unit}`);
    const ratio = (x) => (x === undefined || !Number.isFinite(x) ? '' : `${x.toFixed(2)}x`);
    return `| ${r.scenario} | ${r.metric} | ${cell(r.work)} | ${cell(r.bullmq)} | ${cell(r.bee)} | ${ratio(r.ratio)} | ${ratio(r.ratioBee)} | ${target} |`;
  }),
];
console.log(`\nMachine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; Node ${env.node}; Redis ${env.redis}; medians of ${runs} run(s)\n`);
console.log(lines.join('\n'));
results.table = rows;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${results.at.replace(/[:.]/g, '-')}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.error(`bench: results written to ${file.pathname}`);
admin.disconnect();
await server.stop();
