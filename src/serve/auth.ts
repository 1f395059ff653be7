// Bearer tokens for `work serve`: what a token may do (its scopes), how the
// token list is written, and the check made on every request. Pure apart
// from hashing: the command reads the file or variable and passes the text.
//
// A token is compared by its SHA-256 digest against every configured digest
// with timingSafeEqual, all of them every time: the time a check takes says
// nothing about how much of a guess was right, nor which entry matched.
import { createHash, timingSafeEqual } from 'node:crypto';

export const SCOPES = ['read', 'enqueue', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** What a route needs: a scope, or nothing at all (health checks, the page's static files). */
export type Access = Scope | 'public';

/** Shortest token accepted: anything shorter can be guessed over the network. */
export const MIN_TOKEN_LENGTH = 16;

export interface TokenEntry {
  scopes: ReadonlySet<Scope>;
  digest: Buffer;
  /** Where it was written ("tokens.txt line 3", "WORK_SERVE_TOKENS entry 2"): for messages, never the token. */
  origin: string;
}

export class TokenListError extends Error {
  override name = 'TokenListError';
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Reads a token list: entries `SCOPES:TOKEN`, SCOPES a comma-separated list
 * of read, enqueue and admin, separated by line breaks or spaces; `#` starts
 * a comment to the end of its line. `source` names the file or variable in
 * messages. Throws TokenListError naming the entry (never its token).
 */
export function parseTokenList(text: string, source: string, entryWord: 'line' | 'entry'): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const seen = new Set<string>();
  let entryNumber = 0;
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    for (const word of line.replace(/#.*$/, '').split(/\s+/).filter(Boolean)) {
      entryNumber++;
      const origin = `${source} ${entryWord} ${entryWord === 'line' ? lineIndex + 1 : entryNumber}`;
      const colon = word.indexOf(':');
      if (colon <= 0) throw new TokenListError(`${origin}: write SCOPES:TOKEN, e.g. read,enqueue:<token> (scopes: ${SCOPES.join(', ')})`);
      const token = word.slice(colon + 1);
      const scopes = new Set<Scope>();
      for (const scope of word.slice(0, colon).split(',')) {
        if (!(SCOPES as readonly string[]).includes(scope)) {
          throw new TokenListError(`${origin}: unknown scope "${scope.slice(0, 20)}" (scopes: ${SCOPES.join(', ')})`);
        }
        scopes.add(scope as Scope);
      }
      if (token.length < MIN_TOKEN_LENGTH) {
        throw new TokenListError(`${origin}: the token is shorter than ${MIN_TOKEN_LENGTH} characters (make one with: openssl rand -hex 32)`);
      }
      if (seen.has(token)) throw new TokenListError(`${origin}: the same token is listed twice`);
      seen.add(token);
      entries.push({ scopes, digest: digest(token), origin });
    }
  });
  return entries;
}

/** admin may do everything; read and enqueue only what they say. */
export function grants(scopes: ReadonlySet<Scope>, needed: Scope): boolean {
  return scopes.has('admin') || scopes.has(needed);
}

export type AuthVerdict =
  | { ok: true; entry?: TokenEntry }
  | { ok: false; status: 401 | 403; error: string };

const WHAT_SCOPE_ALLOWS: Record<Scope, string> = {
  read: 'read the cluster',
  enqueue: 'enqueue jobs',
  admin: 'retry or delete jobs',
};

/**
 * The verdict on one request's Authorization header for a route that needs
 * `needed`. `tokens` undefined means auth is off (--insecure-no-auth).
 */
export function authorize(header: string | undefined, needed: Access, tokens: readonly TokenEntry[] | undefined): AuthVerdict {
  if (needed === 'public' || tokens === undefined) return { ok: true };
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  if (!match) {
    const error = header ? 'the Authorization header must be "Bearer <token>"' : 'a bearer token is required: send "Authorization: Bearer <token>"';
    return { ok: false, status: 401, error };
  }
  const presented = digest(match[1]!);
  let found: TokenEntry | undefined;
  for (const entry of tokens) {
    // Every entry is compared, whatever matched before it.
    if (timingSafeEqual(entry.digest, presented) && found === undefined) found = entry;
  }
  if (!found) return { ok: false, status: 401, error: 'the bearer token was not accepted' };
  if (!grants(found.scopes, needed)) {
    return { ok: false, status: 403, error: `this token may not ${WHAT_SCOPE_ALLOWS[needed]}: that needs the "${needed}" scope` };
  }
  return { ok: true, entry: found };
}

/** "3 tokens: 1 read, 1 enqueue, 1 admin" (an entry with two scopes counts in both). */
export function describeTokens(tokens: readonly TokenEntry[]): string {
  const counts = SCOPES.map((s) => [s, tokens.filter((t) => t.scopes.has(s)).length] as const).filter(([, n]) => n > 0);
  return `${tokens.length} token${tokens.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`;
}
