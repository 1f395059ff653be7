// `work` over TLS, against a private redis-server that speaks only TLS and
// wants a password: --tls-ca (or WORK_TLS_CA) makes one-shot commands and
// `work worker` trust a throwaway CA; without it the certificate is refused
// (exit 3, password masked); a bad CA file is a usage error (exit 2); and the
// library takes the CA through plain ioredis options.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as keys from '../../src/engine/codec/keys.js';
import { Client, Enqueuer, WorkerPool } from '../../src/index.js';
import { startRedisServer, type RedisServerHandle, type TlsFiles } from '../../src/support/private-redis.js';
import { collect, runCli, startCli, type CliResult } from '../support/cli.js';
import { deleteNamespace, freshNamespace, redisUrl } from '../support/redis.js';
import { makeCa, makeServerCertificates, tlsSkipReason } from '../support/tls.js';
import { deferred, waitFor } from '../support/wait.js';

const skipReason = tlsSkipReason();
const PASSWORD = 'tls-pw-7Qx9vR2m';

let dir: string;
let files: TlsFiles;
let otherCaFile: string;
let ca: string;
let server: RedisServerHandle;
let url: string;
let admin: Redis;
let namespace: string;
let prefix: string;

/** The password appears nowhere the user (or a log collector) can see. */
function expectNoPassword(...results: CliResult[]): void {
  for (const r of results) expect(r.stdout + r.stderr).not.toContain(PASSWORD);
}

describe.skipIf(skipReason)(`work over TLS${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'work-tls-'));
    files = makeServerCertificates(dir);
    otherCaFile = makeCa(dir, 'other-ca').certFile;
    ca = readFileSync(files.caFile, 'utf8');
    server = await startRedisServer(['--requirepass', PASSWORD], { tls: files });
    url = `rediss://:${PASSWORD}@127.0.0.1:${server.port}`;
    admin = new Redis({ host: '127.0.0.1', port: server.port, password: PASSWORD, tls: { ca }, maxRetriesPerRequest: 2 });
  });

  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    namespace = freshNamespace('tls');
    prefix = keys.namespacePrefix(namespace);
  });
  afterEach(() => deleteNamespace(admin, prefix));

  it('the server really is TLS-only: a plain redis:// client gets no answer', async () => {
    const plain = await runCli(['queues', '--redis', `redis://:${PASSWORD}@127.0.0.1:${server.port}`]);
    expect(plain.code).toBe(3);
    expectNoPassword(plain);
  });

  it('enqueues and lists queues over rediss:// with --tls-ca, or with WORK_TLS_CA', async () => {
    const enqueued = await runCli(['enqueue', 'tls_email', '--args', '{"to":"ada@example.com"}', '--redis', url, '-n', namespace, '--tls-ca', files.caFile]);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    expect(enqueued.stdout.trim()).toMatch(/^[0-9a-f]{24}$/);
    expect(await admin.llen(keys.queueKey(prefix, 'tls_email'))).toBe(1);

    const byFlag = await runCli(['queues', '--json', '--redis', url, '-n', namespace, '--tls-ca', files.caFile]);
    const byEnv = await runCli(['queues', '--json', '-n', namespace], { env: { REDIS_URL: url, WORK_TLS_CA: files.caFile } });
    for (const result of [byFlag, byEnv]) {
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ jobName: 'tls_email', count: 1 })]);
    }
    expectNoPassword(enqueued, byFlag, byEnv);
  });

  it('refuses the server certificate without --tls-ca, or with another CA: exit 3, masked URL, no password', async () => {
    for (const caArgs of [[], ['--tls-ca', otherCaFile]]) {
      for (const command of [['queues', '--json'], ['enqueue', 'tls_email']]) {
        const result = await runCli([...command, '--redis', url, '-n', namespace, ...caArgs]);
        const label = [...command, ...caArgs].join(' ');
        expect(result.code, `${label}: ${result.stderr}`).toBe(3);
        expect(result.ms, label).toBeLessThan(6000);
        expect(result.stderr, label).toContain(`cannot reach Redis at rediss://:***@127.0.0.1:${server.port}`);
        expect(result.stderr, label).toMatch(/self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate/);
        expect(result.stdout, label).toBe('');
        expectNoPassword(result);
      }
    }
    expect(await admin.exists(keys.queueKey(prefix, 'tls_email'))).toBe(0);
  });

  it('work worker runs jobs over TLS; the password is in neither its output nor its process title', async () => {
    const module = join(dir, 'handlers.mjs');
    writeFileSync(module, `export const jobs = { tls_email: async (job) => { if (!job.args.to) throw new Error('no address'); } };`);
    const enqueuer = new Enqueuer({ redis: admin, namespace });
    await enqueuer.enqueue('tls_email', { to: 'ada@example.com' });
    const child = startCli(['worker', module, '--redis', url, '-n', namespace, '--tls-ca', files.caFile]);
    const done = collect(child, Date.now(), { timeoutMs: 20_000 });
    await waitFor(async () => (await admin.hget(keys.processedCountKey(prefix), 'tls_email')) === '1', { message: 'the job to be processed over TLS' });
    // Pub/sub wake-ups ride a second connection: a job enqueued now must be picked up as well.
    await enqueuer.enqueue('tls_email', { to: 'bob@example.com' });
    await waitFor(async () => (await admin.hget(keys.processedCountKey(prefix), 'tls_email')) === '2', { message: 'the second job' });
    const cmdline = `/proc/${child.pid}/cmdline`;
    if (existsSync(cmdline)) {
      const title = readFileSync(cmdline, 'latin1');
      expect(title).toContain('work worker');
      expect(title).not.toContain(PASSWORD);
    }
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.match(/ ok {6}tls_email /g)).toHaveLength(2);
    expect(result.stderr).toContain('started');
    expect(result.stderr).not.toMatch(/certificate|ECONNRESET|error/i);
    expectNoPassword(result);
  });

  it('work demo runs its sample workers on the TLS server (no private fallback) with --tls-ca', async () => {
    const result = await runCli(['demo', '--redis', url, '-n', namespace, '--tls-ca', files.caFile, '--duration', '3'], { timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('starting a private redis-server');
    expect(result.stderr).toContain(`--tls-ca ${files.caFile} -n ${namespace}`);
    expect(Number(await admin.hget(keys.processedCountKey(prefix), 'send_email'))).toBeGreaterThan(0);
    expectNoPassword(result);
  });

  it('a missing, unreadable or non-PEM --tls-ca, or one given for redis://, is a usage error (exit 2) naming the file', async () => {
    const missing = join(dir, 'missing.pem');
    const notPem = join(dir, 'not-pem.txt');
    writeFileSync(notPem, 'this is not a certificate\n');
    const badPem = join(dir, 'bad.pem');
    writeFileSync(badPem, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    const cases: Array<{ args: string[]; env?: Record<string, string>; message: string }> = [
      { args: ['--tls-ca', missing], message: `--tls-ca ${missing}: cannot read the CA file (ENOENT)` },
      { args: ['--tls-ca', dir], message: `--tls-ca ${dir}: cannot read the CA file (EISDIR)` },
      { args: ['--tls-ca', notPem], message: `--tls-ca ${notPem}: not a PEM CA file` },
      // A private key is PEM, but not a certificate: a likely mix-up.
      { args: ['--tls-ca', files.keyFile], message: `--tls-ca ${files.keyFile}: not a PEM CA file` },
      { args: ['--tls-ca', badPem], message: `--tls-ca ${badPem}: certificate 1 of 1 does not parse` },
      { args: [], env: { WORK_TLS_CA: missing }, message: `WORK_TLS_CA ${missing}: cannot read the CA file (ENOENT)` },
    ];
    for (const { args, env, message } of cases) {
      for (const command of [['queues'], ['worker', join(dir, 'no-such-handlers.mjs')]]) {
        const result = await runCli([...command, '--redis', url, '-n', namespace, ...args], { env });
        const label = [...command, ...args].join(' ');
        expect(result.code, `${label}: ${result.stderr}`).toBe(2);
        // Checked before anything else: the worker never got to its handlers module.
        expect(result.stderr, label).toContain(message);
        expect(result.stderr, label).toContain(`Usage: work ${command[0]}`);
        expectNoPassword(result);
      }
    }

    const plainUrl = `redis://:${PASSWORD}@127.0.0.1:${server.port}`;
    const plain = await runCli(['queues', '--redis', plainUrl, '--tls-ca', files.caFile]);
    expect(plain.code, plain.stderr).toBe(2);
    expect(plain.stderr).toContain(`--tls-ca is for TLS, but redis://:***@127.0.0.1:${server.port} is plain redis://: use a rediss:// URL`);
    expectNoPassword(plain);
    // WORK_TLS_CA, exported for production's rediss://, leaves a plain redis:// alone.
    const local = await runCli(['queues', '--json', '-n', namespace], { env: { REDIS_URL: redisUrl(), WORK_TLS_CA: files.caFile } });
    expect(local.code, local.stderr).toBe(0);
  });

  it('the library takes the CA through ioredis options: Enqueuer, WorkerPool and Client over TLS', async () => {
    const redis = { host: '127.0.0.1', port: server.port, password: PASSWORD, tls: { ca } };
    const enqueuer = new Enqueuer({ redis, namespace });
    const pool = new WorkerPool({ redis, namespace, concurrency: 2 });
    // servername: check the certificate's DNS name instead of the IP connected to.
    const client = new Client({ redis: { ...redis, tls: { ca, servername: 'localhost' } }, namespace });
    const ran = deferred<unknown>();
    pool.job('tls_resize', async (job) => ran.resolve(job.args.file));
    try {
      await pool.start();
      await enqueuer.enqueue('tls_resize', { file: 'photo.jpg' });
      expect(await ran.promise).toBe('photo.jpg');
      await waitFor(async () => (await admin.hget(keys.processedCountKey(prefix), 'tls_resize')) === '1', { message: 'the job to be counted' });
      expect((await client.workerPoolHeartbeats()).map((p) => p.poolId)).toContain(pool.id);
      expect(await client.queues()).toEqual([expect.objectContaining({ jobName: 'tls_resize', count: 0 })]);
    } finally {
      await pool.stop({ graceMs: 1000 });
      await enqueuer.close();
      await client.close();
    }
  });
});

describe('--tls-ca in the help', () => {
  it('is listed as a global option, at the root and for every command', async () => {
    const root = await runCli(['--help']);
    expect(root.stdout).toMatch(/--tls-ca FILE +trust this PEM CA file for rediss:\/\/ \(env WORK_TLS_CA\)/);
    const queues = await runCli(['queues', '--help']);
    expect(queues.stdout).toMatch(/--tls-ca VALUE +trust this PEM CA file/);
  });
});
