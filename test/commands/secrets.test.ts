// The Redis password: masked in every form ioredis reads, kept out of argv by
// REDIS_URL and --redis-password-file, and a wrong one is one clear error
// (exit 3) instead of ioredis' "Unhandled error event" stacks.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskRedisUrl, maskSecrets, urlUser } from '../../src/commands/redis-url.js';
import { startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';
import { runCli } from '../support/cli.js';
import { closedPort } from './closed-port.js';

const PASSWORD = 'Right-pw-7731';
const WARNING = 'the Redis password is on the command line';

function tempFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'work-secrets-')), name);
  writeFileSync(file, content);
  return file;
}

describe('maskRedisUrl and maskSecrets', () => {
  it.each([
    ['redis://:s3cret-a@h:1/0', 'redis://:***@h:1/0', ['s3cret-a']],
    ['redis://bob:s3cret-b@h:1', 'redis://bob:***@h:1', ['s3cret-b']],
    ['redis://s3cret-c@h:1', 'redis://***@h:1', ['s3cret-c']],
    ['redis://h:1/?password=s3cret-d', 'redis://h:1/?password=***', ['s3cret-d']],
    ['redis://h:1/?username=bob&password=s3cret-e&db=2', 'redis://h:1/?username=bob&password=***&db=2', ['s3cret-e']],
    ['rediss://bob:p%40ss%2Fword@h:1', 'rediss://bob:***@h:1', ['p@ss/word', 'p%40ss%2Fword']],
    ['redis://h:1/?password=a%2Bb%3Dc', 'redis://h:1/?password=***', ['a+b=c', 'a%2Bb%3Dc']],
  ])('%s', (url, masked, secrets) => {
    expect(maskRedisUrl(url)).toBe(masked);
    const text = `cannot reach ${url}; the server said ${secrets.join(' and ')}`;
    const out = maskSecrets(text, url);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain(masked);
  });

  it('masks a password from elsewhere (a file) in free text', () => {
    expect(maskSecrets('AUTH failed for hunter22', 'redis://h:1', 'hunter22')).toBe('AUTH failed for ***');
    // With the password in a file, the user part is a user name, not a secret.
    expect(maskSecrets('user ops at redis://ops@h:1', 'redis://ops@h:1', 'hunter22')).toBe('user ops at redis://ops@h:1');
  });

  it('names the user ioredis authenticates as', () => {
    expect(urlUser('redis://bob:x@h')).toBe('bob');
    expect(urlUser('redis://:x@h')).toBe('default');
    expect(urlUser('redis://h/?username=carol&password=x')).toBe('carol');
    // ioredis: a user part wins over the query, even an empty one.
    expect(urlUser('redis://:x@h/?username=carol')).toBe('default');
  });
});

describe('an unreachable Redis never shows the password', () => {
  it.each([
    (port: number) => `redis://127.0.0.1:${port}/?password=Qp-leak-1`,
    (port: number) => `redis://127.0.0.1:${port}/?username=ops&password=Qp-leak-1`,
    (port: number) => `redis://ops:Qp-leak-1@127.0.0.1:${port}`,
    (port: number) => `redis://:Qp-leak-1@127.0.0.1:${port}/3`,
  ])('%s', async (makeUrl) => {
    const url = makeUrl(await closedPort());
    const { code, stdout, stderr } = await runCli(['dead', '--json', '--redis', url]);
    expect(code, stderr).toBe(3);
    expect(stderr).toContain(`cannot reach Redis at ${maskRedisUrl(url)}: connect ECONNREFUSED`);
    expect(stdout + stderr).not.toContain('Qp-leak-1');
    const viaEnv = await runCli(['pools'], { env: { REDIS_URL: url } });
    expect(viaEnv.code).toBe(3);
    expect(viaEnv.stderr).not.toContain('Qp-leak-1');
  });
});

/** A server of this file's own, with a password. */
let server: RedisServerHandle;
let port: number;
beforeAll(async () => {
  server = await startRedisServer(['--requirepass', PASSWORD]);
  port = server.port;
});
afterAll(async () => {
  await server?.stop();
});

describe('a password-protected Redis', () => {
  it('warns once when the password arrives in argv, and not when it comes from REDIS_URL or a file', async () => {
    const inArgv = await runCli(['queues', '--redis', `redis://:${PASSWORD}@127.0.0.1:${port}`]);
    expect(inArgv.code, inArgv.stderr).toBe(0);
    expect(inArgv.stderr.split(WARNING).length - 1).toBe(1);
    expect(inArgv.stderr).not.toContain(PASSWORD);

    const inEnv = await runCli(['queues'], { env: { REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}` } });
    expect(inEnv.code, inEnv.stderr).toBe(0);
    expect(inEnv.stderr).not.toContain(WARNING);

    const noSecret = await runCli(['queues', '--redis', `redis://127.0.0.1:${port}`, '--redis-password-file', tempFile('pw', `${PASSWORD}\n`)]);
    expect(noSecret.code, noSecret.stderr).toBe(0);
    expect(noSecret.stderr).not.toContain(WARNING);
  });

  it('reads the password from --redis-password-file or WORK_REDIS_PASSWORD_FILE, with an ACL user in the URL', async () => {
    const file = tempFile('pw', `${PASSWORD}\n`);
    const viaEnv = await runCli(['enqueue', 'email', '--redis', `redis://127.0.0.1:${port}`], { env: { WORK_REDIS_PASSWORD_FILE: file } });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    // The default user, named in the URL, with the password from the file.
    const named = await runCli(['queues', '--json', '--redis', `redis://default@127.0.0.1:${port}`, '--redis-password-file', file]);
    expect(named.code, named.stderr).toBe(0);
    expect((JSON.parse(named.stdout) as Array<{ jobName: string }>).map((q) => q.jobName)).toContain('email');
  });

  it('rejects an unusable password file with exit 2, naming it', async () => {
    const url = `redis://127.0.0.1:${port}`;
    const cases: Array<[string[], string]> = [
      [['--redis-password-file', '/nonexistent/pw'], '--redis-password-file /nonexistent/pw: cannot read the password file (ENOENT)'],
      [['--redis-password-file', tempFile('empty', '\n')], 'the password file is empty'],
      [['--redis-password-file', tempFile('two', 'a\nb\n')], 'holds more than one line'],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr } = await runCli(['queues', '--redis', url, ...flags]);
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(message);
    }
    const both = await runCli(['queues', '--redis', `redis://:${PASSWORD}@127.0.0.1:${port}`, '--redis-password-file', tempFile('pw', PASSWORD)]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('already carries a password');
    expect(both.stderr).not.toContain(PASSWORD);
  });

  it('a wrong password is one clear error, exit 3, in every form', async () => {
    const wrong = 'Wrong-pw-4410';
    for (const [url, user] of [
      [`redis://:${wrong}@127.0.0.1:${port}`, 'default'],
      [`redis://127.0.0.1:${port}/?password=${wrong}`, 'default'],
      [`redis://127.0.0.1:${port}/?username=ops&password=${wrong}`, 'ops'],
    ] as const) {
      const { code, stdout, stderr } = await runCli(['queues', '--redis', url]);
      expect(code, stderr).toBe(3);
      expect(stderr).toContain(`Redis refused the credentials for user "${user}"`);
      expect(stderr).not.toContain('Unhandled error event');
      expect(stderr).not.toContain('node_modules');
      expect(stdout + stderr).not.toContain(wrong);
      // The argv warning and the error: nothing else.
      expect(stderr.trim().split('\n')).toHaveLength(2);
    }
    const fromFile = await runCli(['queues', '--redis', `redis://127.0.0.1:${port}`, '--redis-password-file', tempFile('pw', wrong)]);
    expect(fromFile.code).toBe(3);
    expect(fromFile.stderr).toContain('Redis refused the credentials for user "default"');
    expect(fromFile.stderr).not.toContain(wrong);
  });

  it('no password at all says how to give one, exit 3', async () => {
    const { code, stderr } = await runCli(['queues', '--redis', `redis://127.0.0.1:${port}`]);
    expect(code).toBe(3);
    expect(stderr).toContain('requires a password and none was given');
    expect(stderr).toContain('--redis-password-file');
  });

  it('work worker retries a refused password a bounded number of times, one line each, then exits 3', async () => {
    const handlers = tempFile('handlers.mjs', 'export const jobs = { email: () => {} };');
    const { code, stderr } = await runCli(['worker', handlers], { env: { REDIS_URL: `redis://:Wrong-pw-4410@127.0.0.1:${port}` }, timeoutMs: 20_000 });
    expect(code, stderr).toBe(3);
    const lines = stderr.trim().split('\n');
    expect(lines.filter((l) => /retrying in \d+ s \(attempt \d of 4\)/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toContain('Redis refused the credentials for user "default"');
    expect(stderr).not.toContain('Unhandled error event');
    expect(stderr).not.toContain('Wrong-pw-4410');
  });
});

describe('clients the library creates', () => {
  const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

  /** Runs a module script against the built library; returns its output. */
  function runScript(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += String(c)));
      child.stderr.on('data', (c) => (stderr += String(c)));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`script did not exit\n${stdout}\n${stderr}`));
      }, 15_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('never print "Unhandled error event"; each failed call rejects once', async () => {
    const downPort = await closedPort();
    const { code, stdout, stderr } = await runScript(`
      import { Client, Enqueuer, WorkerPool } from ${JSON.stringify(DIST)};
      const wrong = 'redis://:nope-nope@127.0.0.1:${port}';
      const down = { host: '127.0.0.1', port: ${downPort}, maxRetriesPerRequest: 1 };
      const outcome = async (label, call) => {
        try { await call(); console.log(label, 'resolved'); } catch (e) { console.log(label, 'rejected', e.message.split(' ')[0]); }
      };
      const enqueuer = new Enqueuer({ redis: wrong });
      for (let i = 0; i < 3; i++) await outcome('enqueue-wrong', () => enqueuer.enqueue('a', {}));
      const downEnqueuer = new Enqueuer({ redis: down });
      for (let i = 0; i < 3; i++) await outcome('enqueue-down', () => downEnqueuer.enqueue('a', {}));
      await outcome('client-wrong', () => new Client({ redis: wrong }).queues());
      const pool = new WorkerPool({ redis: wrong, logger: { error: () => {} } });
      pool.job('a', () => {});
      await outcome('pool-wrong', () => pool.start());
      // Give the clients time to retry in the background, as they would in an outage.
      await new Promise((r) => setTimeout(r, 1500));
      process.exit(0);
    `);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('Unhandled error event');
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l === 'enqueue-wrong rejected WRONGPASS')).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('enqueue-down rejected'))).toHaveLength(3);
    expect(lines).toContain('client-wrong rejected WRONGPASS');
    expect(lines).toContain('pool-wrong rejected WRONGPASS');
  });
});
