// The web page of `work serve` in a real browser: the distribution's
// Chromium, driven by playwright-core. A person signs in with a token, reads
// the overview and the queues, and retries and deletes dead jobs; text from
// Redis that looks like HTML stays text.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { startServer, TOKEN, type TestServer } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function chromiumMissing(): string | undefined {
  const probe = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error || probe.status !== 0) return `${CHROMIUM} is not installed (Debian/Ubuntu: apt-get install chromium)`;
  return undefined;
}

const skip = chromiumMissing();
const NOW = Math.floor(Date.now() / 1000);
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe('the page source', () => {
  it('never turns a string into HTML (innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    const source = readFileSync(new URL('../../src/serve/page/app.js', import.meta.url), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });
});

describe.skipIf(skip)(`the web page in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let t: TestRedis;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await testRedis('page');
    server = await startServer(t);
    await server.enqueuer.enqueue('send_email', { to: 'a' });
    await server.enqueuer.enqueue('send_email', { to: 'b' });
    await server.enqueuer.enqueue('resize', { file: 'x.png' });
    await server.client.pauseQueue('resize');
    const dead = (name: string, id: string, at: number, err: string, args: Record<string, unknown>) =>
      t.redis.zadd(keys.deadKey(t.prefix), at, encodeJob({ name, id, enqueuedAt: at - 5, args, unique: false, fails: 3, lastError: err, failedAt: at }));
    await dead('webhook', 'dead-one', NOW - 30, 'answered 503', { url: 'https://hooks.example.com/1' });
    await dead(`hostile${HOSTILE}`, 'dead-two', NOW - 20, `boom ${HOSTILE}<script>window.__pwned=2</script>`, { html: HOSTILE });
    await dead('webhook', 'dead-three', NOW - 10, 'answered 500', { url: 'https://hooks.example.com/3' });
    await t.redis.zadd(keys.deadKey(t.prefix), NOW - 40, 'garbage{');

    profile = mkdtempSync(join(tmpdir(), 'work-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.accept();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
    await t?.cleanup();
  });

  const cardValue = (id: string) => page.locator(`[data-count="${id}"] .value`);

  it('asks for a token, then shows the overview', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('#token-form').waitFor({ state: 'visible' });
    await page.fill('#token-input', TOKEN.read);
    await page.click('#token-form button[type=submit]');
    await expect.poll(() => cardValue('queued').textContent()).toBe('3');
    expect(await cardValue('queues').textContent()).toBe('2');
    expect(await cardValue('dead').textContent()).toBe('4');
    expect(await page.locator('#namespace').textContent()).toBe(`namespace ${t.namespace}`);
    expect(await page.locator('#token-form').isHidden()).toBe(true);
  });

  it('a wrong token is refused on the form', async () => {
    await page.click('#forget-token');
    await page.fill('#token-input', 'not-the-right-token-000');
    await page.click('#token-form button[type=submit]');
    await expect.poll(() => page.locator('#token-error').textContent()).toBe('the bearer token was not accepted');
    await page.fill('#token-input', TOKEN.read);
    await page.click('#token-form button[type=submit]');
    await page.locator('#token-form').waitFor({ state: 'hidden' });
  });

  it('lists the queues, paused ones marked', async () => {
    await page.click('nav a[data-view=queues]');
    const resize = page.locator('tr[data-queue=resize]');
    await resize.waitFor();
    expect(await resize.locator('td').allTextContents()).toEqual(['resize', '1', expect.stringMatching(/^\d+ s$/), '0', '-', '-', 'paused']);
    expect(await page.locator('tr[data-queue=send_email] td').nth(1).textContent()).toBe('2');
  });

  it('shows dead jobs with text from Redis as text: no element, no script, no dialog comes of it', async () => {
    await page.click('nav a[data-view=dead]');
    await page.locator('#dead-count').waitFor();
    expect(await page.locator('#dead-count').textContent()).toBe('4 dead jobs');
    const row = page.locator('tr[data-job-id=dead-two]');
    expect(await row.locator('td').nth(1).textContent()).toBe(`hostile${HOSTILE}`);
    expect(await row.locator('td').nth(4).textContent()).toContain('<script>window.__pwned=2</script>');
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    // The undecodable member is shown, without buttons to act on it.
    const invalid = page.locator('tr.invalid');
    expect(await invalid.locator('td').nth(1).textContent()).toBe('(not a job)');
    expect(await invalid.locator('button').count()).toBe(0);
  });

  it('a read token cannot retry: the page says why and nothing moves', async () => {
    await page.locator('tr[data-job-id=dead-one] button', { hasText: 'Retry' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/this token may not retry or delete jobs/);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(4);
  });

  it('with an admin token: retry one, delete one (after a confirmation)', async () => {
    await page.click('#forget-token');
    await page.fill('#token-input', TOKEN.admin);
    await page.click('#token-form button[type=submit]');
    await page.locator('tr[data-job-id=dead-one]').waitFor();

    await page.locator('tr[data-job-id=dead-one] button', { hasText: 'Retry' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('retried webhook dead-one');
    await page.locator('tr[data-job-id=dead-one]').waitFor({ state: 'detached' });
    expect((await t.redis.lrange(keys.queueKey(t.prefix, 'webhook'), 0, -1)).map((raw) => JSON.parse(raw).id)).toEqual(['dead-one']);

    await page.locator('tr[data-job-id=dead-two] button', { hasText: 'Delete' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe(`deleted hostile${HOSTILE} dead-two`);
    expect(dialogs).toEqual([`confirm: Delete dead job hostile${HOSTILE} dead-two? This cannot be undone.`]);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(2);
  });

  it('retry all reports exactly what moved and what stayed; delete all empties the set', async () => {
    await page.locator('button', { hasText: 'Retry all' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe(
      'retried 1 of 2 dead jobs; 1 left in dead (undecodable, or their queue key holds another type); 0 changed meanwhile',
    );
    expect(dialogs.at(-1)).toBe('confirm: Retry all 2 dead jobs?');
    await expect.poll(() => page.locator('#dead-count').textContent()).toBe('1 dead job');

    await page.locator('button', { hasText: 'Delete all' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('deleted 1 of 1 dead jobs; 0 left in dead (undecodable, or their queue key holds another type); 0 changed meanwhile');
    await expect.poll(() => page.locator('#dead-count').textContent()).toBe('0 dead jobs');
    expect(await t.redis.exists(keys.deadKey(t.prefix))).toBe(0);
    expect(await page.locator('button', { hasText: 'Retry all' }).isDisabled()).toBe(true);
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
