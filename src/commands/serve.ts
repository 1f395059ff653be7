// `work serve`: the cluster over HTTP (src/serve), for the tools that cannot
// speak Redis: gocraft's web UI API, enqueue over HTTP, health checks and a
// small web page. This module reads the settings (tokens, TLS files, where
// to listen), refuses unsafe ones, and runs the server until SIGINT/SIGTERM.
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { Client } from '../engine/client/client.js';
import { Enqueuer } from '../engine/enqueuer/enqueuer.js';
import { errorMessage } from '../engine/errors.js';
import { describeTokens, parseTokenList, TokenListError, type TokenEntry } from '../serve/auth.js';
import type { Command, CommandContext } from './command.js';
import { UsageError } from './exit-codes.js';
import { STALE_AFTER_SECONDS } from './pools.js';
import { maskRedisUrl } from './redis-url.js';
import { readSettingFile } from './setting-file.js';

export const DEFAULT_PORT = 5040;
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1)$/i;

export const command: Command = {
  usage: 'work serve [--host ADDRESS] [--port N] (--tokens-file FILE | --insecure-no-auth) [--cert FILE --key FILE] [--body-limit BYTES]',
  details: [
    'Tokens: one SCOPES:TOKEN entry a line (scopes read, enqueue, admin; admin may do all),',
    'from --tokens-file (env WORK_SERVE_TOKENS_FILE) or the variable WORK_SERVE_TOKENS.',
    'Without tokens it refuses to start; --insecure-no-auth serves loopback addresses only.',
    'Routes, JSON shapes and the web page (at /) are described in the README.',
  ].join('\n'),
  flags: {
    host: { type: 'string', default: '127.0.0.1', description: 'address to listen on (default 127.0.0.1)' },
    port: { type: 'number', default: DEFAULT_PORT, description: `port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)` },
    tokensFile: { type: 'string', description: 'the accepted bearer tokens (env WORK_SERVE_TOKENS_FILE)' },
    insecureNoAuth: { type: 'boolean', description: 'no authentication at all: for local use, on a loopback address only' },
    cert: { type: 'string', description: 'serve HTTPS with this PEM certificate (with --key)' },
    key: { type: 'string', description: 'the PEM private key of --cert' },
    bodyLimit: { type: 'number', default: 1024 * 1024, description: 'largest request body in bytes (default 1048576)' },
  },
  examples: [
    'work serve --tokens-file /run/secrets/work-tokens',
    'WORK_SERVE_TOKENS="admin:$(cat admin.token)" work serve --host 0.0.0.0 --cert site.crt --key site.key',
    'work serve --insecure-no-auth --port 8080',
  ],
  async run(ctx) {
    if (ctx.input.length > 0) throw new UsageError(`unexpected arguments: ${ctx.input.join(' ')}`);
    const host = String(ctx.flags.host ?? '127.0.0.1');
    const port = Number(ctx.flags.port ?? DEFAULT_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a whole number from 0 to 65535');
    const bodyLimit = Number(ctx.flags.bodyLimit ?? 1024 * 1024);
    if (!Number.isInteger(bodyLimit) || bodyLimit < 1024 || bodyLimit > 64 * 1024 * 1024) {
      throw new UsageError('--body-limit must be a whole number of bytes from 1024 to 67108864');
    }
    const tokens = loadTokens(ctx, host);
    const tls = loadTls(ctx);

    const redis = await ctx.connect({ persistent: true, extra: { enableOfflineQueue: false, maxRetriesPerRequest: 1 } });
    redis.on('error', () => undefined);
    const stopping = new AbortController();
    const { buildServer } = await import('../serve/server.js');
    const client = new Client({ redis, namespace: ctx.global.namespace });
    const { collectorOnFirstScrape } = await import('../serve/routes/metrics.js');
    const metrics = await collectorOnFirstScrape(client, STALE_AFTER_SECONDS, (message) => ctx.stderr.write(`work serve: ${ctx.redact(message)}\n`));
    const app = buildServer({
      client,
      enqueuer: new Enqueuer({ redis, namespace: ctx.global.namespace }),
      namespace: ctx.global.namespace,
      tokens,
      bodyLimit,
      ...(tls ? { tls } : {}),
      redact: ctx.redact,
      log: (line) => ctx.stderr.write(`work serve: ${line}\n`),
      redisDown: () => redis.status !== 'ready',
      signal: stopping.signal,
      metrics,
    });
    try {
      try {
        await app.listen({ host, port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new Error(`cannot listen on ${host}:${port}: the port is in use`);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${host}: not an address of this machine`);
        throw new Error(`cannot listen on ${host}:${port}: ${errorMessage(error)}`);
      }
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const url = `${tls ? 'https' : 'http'}://${isIP(host) === 6 ? `[${host}]` : host}:${bound}`;
      const auth = tokens ? describeTokens(tokens) : 'NO AUTHENTICATION';
      ctx.stderr.write(`work serve: listening on ${url} (namespace "${ctx.global.namespace}", Redis ${maskRedisUrl(ctx.global.redisUrl)}; ${auth})\n`);
      if (ctx.global.json) ctx.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'listening', url })}\n`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      ctx.stderr.write('work serve: stopping: finishing the requests in flight\n');
    } finally {
      stopping.abort();
      await app.close();
      await metrics.stop();
      redis.disconnect();
    }
  },
};

/** The accepted tokens, or undefined for --insecure-no-auth. Every unsafe combination is a usage error. */
function loadTokens(ctx: CommandContext, host: string): TokenEntry[] | undefined {
  const flagFile = ctx.flags.tokensFile as string | undefined;
  const envFile = process.env.WORK_SERVE_TOKENS_FILE || undefined;
  const inline = process.env.WORK_SERVE_TOKENS || undefined;
  const file = flagFile !== undefined ? { file: flagFile, from: '--tokens-file' } : envFile ? { file: envFile, from: 'WORK_SERVE_TOKENS_FILE' } : undefined;
  if (ctx.flags.insecureNoAuth) {
    if (file || inline) throw new UsageError(`--insecure-no-auth with tokens (${file ? file.from : 'WORK_SERVE_TOKENS'}): choose one`);
    if (!LOOPBACK.test(host)) {
      throw new UsageError(`--insecure-no-auth serves loopback addresses only (127.0.0.1, ::1, localhost), not ${host}: give tokens to listen there`);
    }
    ctx.stderr.write(
      'work serve: warning: authentication is off (--insecure-no-auth): every program on this machine can read, enqueue, retry and delete through it\n',
    );
    return undefined;
  }
  if (file && inline) throw new UsageError(`tokens from both ${file.from} and WORK_SERVE_TOKENS: give them one way`);
  if (!file && !inline) {
    throw new UsageError(
      'no tokens, so no one could be let in: give --tokens-file FILE (or WORK_SERVE_TOKENS_FILE, or WORK_SERVE_TOKENS), or --insecure-no-auth for local use',
    );
  }
  let tokens: TokenEntry[];
  try {
    tokens = file ? parseTokenList(readSettingFile(file.from, file.file, 'tokens file'), `${file.from} ${file.file}`, 'line') : parseTokenList(inline!, 'WORK_SERVE_TOKENS', 'entry');
  } catch (error) {
    if (error instanceof TokenListError) throw new UsageError(error.message);
    throw error;
  }
  if (tokens.length === 0) throw new UsageError(`${file ? `${file.from} ${file.file}` : 'WORK_SERVE_TOKENS'} holds no token`);
  if (file && (statSync(file.file).mode & 0o004) !== 0) {
    ctx.stderr.write(`work serve: warning: ${file.from} ${file.file} can be read by every user of this machine (chmod 600 it)\n`);
  }
  return tokens;
}

function loadTls(ctx: CommandContext): { cert: string; key: string } | undefined {
  const cert = ctx.flags.cert as string | undefined;
  const key = ctx.flags.key as string | undefined;
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError('--cert and --key go together: HTTPS needs both');
  const certText = readSettingFile('--cert', cert, 'certificate');
  const keyText = readSettingFile('--key', key, 'private key');
  if (!certText.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--cert ${cert}: not a PEM certificate`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyText)) throw new UsageError(`--key ${key}: not a PEM private key`);
  return { cert: certText, key: keyText };
}
