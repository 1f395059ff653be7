// `work serve` as an operator runs it: the settings it refuses, HTTPS from
// cert/key files, a clean stop, and a Redis password that never shows in
// anything it prints or answers, even while Redis is down.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../src/support/private-redis.js';
import { collect, runCli, startCli } from '../support/cli.js';
import { redisUrl } from '../support/redis.js';
import { makeServerCertificates } from '../support/tls.js';
import { waitFor } from '../support/wait.js';

const ADMIN = 'admin-token-for-the-cli-test-0001';
const dir = mkdtempSync(join(tmpdir(), 'work-serve-'));

function tokensFile(content: string, mode = 0o600): string {
  const file = join(dir, `tokens-${Math.random().toString(16).slice(2)}.txt`);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Serving {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `work serve --json --port 0` and waits for the line that says where it listens. */
async function serve(args: string[], env: Record<string, string | undefined> = {}): Promise<Serving> {
  const child = startCli(['serve', '--json', '--port', '0', ...args], { env });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  const url = await waitFor(() => /"url":"([^"]+)"/.exec(out)?.[1], { message: `work serve to listen; it said: ${out}` });
  return { child, url, output: () => out };
}

async function stop({ child }: Serving): Promise<number | null> {
  const exited = collect(child);
  child.kill('SIGTERM');
  return (await exited).code;
}

describe('settings work serve refuses (exit 2)', () => {
  it.each([
    [[] as string[], {}, /no tokens, so no one could be let in: give --tokens-file FILE .* or --insecure-no-auth/],
    [['--insecure-no-auth', '--host', '0.0.0.0'], {}, /--insecure-no-auth serves loopback addresses only .* not 0\.0\.0\.0/],
    [['--insecure-no-auth'], { WORK_SERVE_TOKENS: `admin:${ADMIN}` }, /--insecure-no-auth with tokens \(WORK_SERVE_TOKENS\): choose one/],
    [['--tokens-file', '/nonexistent/tokens'], {}, /--tokens-file \/nonexistent\/tokens: cannot read the tokens file \(ENOENT\)/],
    [['--cert', '/nonexistent/c.pem'], { WORK_SERVE_TOKENS: `admin:${ADMIN}` }, /--cert and --key go together/],
    [['--port', '70000'], { WORK_SERVE_TOKENS: `admin:${ADMIN}` }, /--port must be a whole number from 0 to 65535/],
    [['--body-limit', '10'], { WORK_SERVE_TOKENS: `admin:${ADMIN}` }, /--body-limit must be/],
  ])('work serve %j', async (args, env, message) => {
    const result = await runCli(['serve', '--redis', redisUrl(), ...args], { env });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('a bad token list names the line, never a token', async () => {
    const file = tokensFile(`admin:${ADMIN}\nreed:${ADMIN}x\n`);
    const result = await runCli(['serve', '--redis', redisUrl(), '--tokens-file', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--tokens-file ${file} line 2: unknown scope "reed"`);
    expect(result.stderr).not.toContain(ADMIN);
  });

  it('tokens from both a file and WORK_SERVE_TOKENS are refused', async () => {
    const result = await runCli(['serve', '--redis', redisUrl(), '--tokens-file', tokensFile(`admin:${ADMIN}`)], { env: { WORK_SERVE_TOKENS: `read:${ADMIN}` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tokens from both --tokens-file and WORK_SERVE_TOKENS/);
  });
});

describe('running', () => {
  it('serves with tokens from a file, warns when others can read it, and stops cleanly on SIGTERM', async () => {
    const server = await serve(['--redis', redisUrl(), '-n', 'serve-cli', '--tokens-file', tokensFile(`admin:${ADMIN}\n`, 0o644)]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.output()).toMatch(/can be read by every user of this machine \(chmod 600 it\)/);
    expect(server.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(namespace "serve-cli", Redis redis:\/\/127\.0\.0\.1:\d+; 1 token: 1 admin\)/);
    const answer = await fetch(`${server.url}/overview`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await answer.json()).toEqual({ namespace: 'serve-cli', scheduled: 0, retry: 0, dead: 0 });
    expect((await fetch(`${server.url}/overview`)).status).toBe(401);
    const scrape = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await scrape.text()).toMatch(/^work_set_jobs\{set="dead"\} 0$/m);
    expect(await stop(server)).toBe(0);
  });

  it('--insecure-no-auth warns, and answers without a token', async () => {
    const server = await serve(['--redis', redisUrl(), '--insecure-no-auth']);
    expect(server.output()).toMatch(/warning: authentication is off \(--insecure-no-auth\)/);
    expect(server.output()).toMatch(/NO AUTHENTICATION/);
    expect((await fetch(`${server.url}/queues`)).status).toBe(200);
    expect(await stop(server)).toBe(0);
  });

  it('a port in use is exit 1 with the reason', async () => {
    const first = await serve(['--redis', redisUrl(), '--insecure-no-auth']);
    const port = new URL(first.url).port;
    const second = await runCli(['serve', '--redis', redisUrl(), '--insecure-no-auth', '--port', port]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    await stop(first);
  });
});

const opensslMissing = spawnSync('openssl', ['version']).status !== 0;

describe.skipIf(opensslMissing)(`HTTPS from --cert and --key${opensslMissing ? ' (skipped: the openssl CLI is not installed)' : ''}`, () => {
  it('serves HTTPS that a client trusting the CA accepts', async () => {
    const tls = makeServerCertificates(mkdtempSync(join(tmpdir(), 'work-serve-tls-')));
    const server = await serve(['--redis', redisUrl(), '--cert', tls.certFile, '--key', tls.keyFile], { WORK_SERVE_TOKENS: `read:${ADMIN}` });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/queues`, { ca: readFileSync(tls.caFile), headers: { authorization: `Bearer ${ADMIN}` } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 200, body: '[]' });
    // Plain HTTP to the HTTPS port gets nothing it can read as an answer.
    await expect(fetch(server.url.replace('https:', 'http:'))).rejects.toThrow();
    expect(await stop(server)).toBe(0);
  });

  it('a key file that holds no key is exit 2', async () => {
    const tls = makeServerCertificates(mkdtempSync(join(tmpdir(), 'work-serve-tls-')));
    const result = await runCli(['serve', '--redis', redisUrl(), '--cert', tls.certFile, '--key', tls.certFile], { env: { WORK_SERVE_TOKENS: `read:${ADMIN}` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--key ${tls.certFile}: not a PEM private key`);
  });
});

describe('the Redis password', () => {
  it('never appears in what work serve prints or answers, up or down', async () => {
    const password = 'Serve-secret-pw-4417';
    const redis = await startRedisServer(['--requirepass', password]);
    const url = redis.url.replace('redis://', `redis://:${password}@`);
    try {
      const server = await serve(['--tokens-file', tokensFile(`admin:${ADMIN}\n`)], { REDIS_URL: url });
      const auth = { authorization: `Bearer ${ADMIN}` };
      const bodies: string[] = [];
      const fetchText = async (path: string, init: RequestInit = {}) => {
        const response = await fetch(`${server.url}${path}`, { headers: auth, ...init });
        const text = await response.text();
        bodies.push(text);
        return { status: response.status, text };
      };
      expect((await fetchText('/readyz')).status).toBe(200);
      expect((await fetchText('/overview')).status).toBe(200);
      await redis.stop();
      const down = await waitFor(async () => {
        const answer = await fetchText('/queues');
        return answer.status === 503 ? answer : undefined;
      });
      expect(down.text).toMatch(/Redis is unreachable/);
      expect((await fetchText('/readyz')).status).toBe(503);
      expect((await fetchText('/jobs/x', { method: 'POST' })).status).toBe(503);
      await stop(server);
      for (const text of [...bodies, server.output()]) expect(text).not.toContain(password);
      expect(server.output()).toContain('redis://:***@127.0.0.1');
    } finally {
      await redis.stop();
    }
  });
});
