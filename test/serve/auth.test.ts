// The token list format and the check on each request, without a server.
import { describe, expect, it } from 'vitest';
import { authorize, describeTokens, grants, parseTokenList, TokenListError } from '../../src/serve/auth.js';
import { crossSiteProblem, hostName } from '../../src/serve/browser-guards.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('parseTokenList', () => {
  it('reads SCOPES:TOKEN entries, one a line or space-separated, with # comments', () => {
    const tokens = parseTokenList(`# the on-call tokens\nread:${A}   # dashboards\n\nenqueue,admin:${B}\n`, 'tokens.txt', 'line');
    expect(tokens.map((t) => [[...t.scopes], t.origin])).toEqual([
      [['read'], 'tokens.txt line 2'],
      [['enqueue', 'admin'], 'tokens.txt line 4'],
    ]);
    expect(parseTokenList(`read:${A} admin:${B}`, 'WORK_SERVE_TOKENS', 'entry').map((t) => t.origin)).toEqual(['WORK_SERVE_TOKENS entry 1', 'WORK_SERVE_TOKENS entry 2']);
  });

  it.each([
    [A, /write SCOPES:TOKEN/],
    [`:${A}`, /write SCOPES:TOKEN/],
    [`write:${A}`, /unknown scope "write"/],
    [`read,:${A}`, /unknown scope ""/],
    ['read:short-token', /shorter than 16 characters/],
    [`read:${A}\nadmin:${A}`, /line 2: the same token is listed twice/],
  ])('refuses %j, naming the entry and never the token', (text, message) => {
    let error: unknown;
    try {
      parseTokenList(text, 'tokens.txt', 'line');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenListError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(A);
    expect((error as Error).message).not.toContain('short-token');
  });

  it('says how many tokens of each scope there are', () => {
    expect(describeTokens(parseTokenList(`read:${A}\nread,enqueue:${B}`, 'f', 'line'))).toBe('2 tokens: 2 read, 1 enqueue');
  });
});

describe('authorize', () => {
  const tokens = parseTokenList(`read:${A}\nadmin:${B}`, 'f', 'line');

  it('admin grants every scope; read and enqueue only their own', () => {
    expect(grants(new Set(['admin']), 'enqueue')).toBe(true);
    expect(grants(new Set(['read']), 'enqueue')).toBe(false);
    expect(grants(new Set(['enqueue']), 'enqueue')).toBe(true);
  });

  it('matches the token, then the scope', () => {
    expect(authorize(`Bearer ${A}`, 'read', tokens)).toMatchObject({ ok: true, entry: { origin: 'f line 1' } });
    expect(authorize(`Bearer ${B}`, 'enqueue', tokens)).toMatchObject({ ok: true, entry: { origin: 'f line 2' } });
    expect(authorize(`Bearer ${A}`, 'admin', tokens)).toMatchObject({ ok: false, status: 403 });
    expect(authorize(`Bearer ${'c'.repeat(32)}`, 'read', tokens)).toMatchObject({ ok: false, status: 401 });
    expect(authorize(undefined, 'read', tokens)).toMatchObject({ ok: false, status: 401 });
    expect(authorize(`Token ${A}`, 'read', tokens)).toMatchObject({ ok: false, status: 401 });
  });

  it('lets anyone reach a public route, and everyone through when auth is off', () => {
    expect(authorize(undefined, 'public', tokens)).toEqual({ ok: true });
    expect(authorize(undefined, 'admin', undefined)).toEqual({ ok: true });
  });
});

describe('browser guards', () => {
  const request = (host: string, origin?: string) => ({ protocol: 'http' as const, headers: { host, ...(origin ? { origin } : {}) } });

  it('takes the port off a Host header, IPv6 included', () => {
    expect(hostName('127.0.0.1:5040')).toBe('127.0.0.1');
    expect(hostName('[::1]:5040')).toBe('[::1]');
    expect(hostName('localhost')).toBe('localhost');
  });

  it('refuses another origin, and without tokens any Host that is not a loopback name', () => {
    expect(crossSiteProblem(request('127.0.0.1:5040', 'http://127.0.0.1:5040'), false)).toBeUndefined();
    expect(crossSiteProblem(request('127.0.0.1:5040', 'http://127.0.0.1:5041'), false)).toMatch(/another origin/);
    expect(crossSiteProblem(request('127.0.0.1:5040', 'null'), false)).toMatch(/another origin/);
    expect(crossSiteProblem(request('jobs.internal:5040'), false)).toBeUndefined();
    expect(crossSiteProblem(request('jobs.internal:5040'), true)).toMatch(/loopback|127\.0\.0\.1/);
    for (const host of ['localhost:1', '127.0.0.2:1', '[::1]:1']) expect(crossSiteProblem(request(host), true)).toBeUndefined();
  });
});
