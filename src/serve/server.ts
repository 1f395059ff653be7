// `work serve`'s HTTP server: Fastify, with the token check, the browser
// guards, one error format and the routes. Redis is reached only through the
// Client and the Enqueuer it is given; the command owns the connection.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Client } from '../engine/client/client.js';
import type { Enqueuer } from '../engine/enqueuer/enqueuer.js';
import { errorMessage, InvalidArgumentError, InvalidJobError, NotDeletedError, NotRetriedError } from '../engine/errors.js';
import { authorize, type Access, type TokenEntry } from './auth.js';
import { crossSiteProblem } from './browser-guards.js';
import { HttpError } from './http-error.js';
import { parseExactJson } from './json-body.js';
import { clusterRoutes } from './routes/cluster.js';
import { enqueueRoutes } from './routes/enqueue.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes, type MetricsSource } from './routes/metrics.js';
import { pageRoutes } from './routes/page.js';

/** The default and the largest body a request may carry: the engine refuses jobs over 1 MiB anyway. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServeOptions {
  client: Client;
  enqueuer: Enqueuer;
  namespace: string;
  /** The accepted tokens; undefined turns authentication off (--insecure-no-auth, loopback only). */
  tokens: readonly TokenEntry[] | undefined;
  bodyLimit?: number;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  /** Masks the Redis URL and password in every message that leaves the server. */
  redact: (text: string) => string;
  /** Where server errors are written (one line each, already redacted). */
  log: (line: string) => void;
  /** True while the Redis connection is down: failures are then 503, not 500. */
  redisDown: () => boolean;
  /** Aborted when the server stops: a bulk repair stops between two batches. */
  signal?: AbortSignal;
  /** Serves GET /metrics when given. */
  metrics?: MetricsSource;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. */
    access?: Access;
  }
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // The page loads its own script and style and talks only to this server.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
} as const;

export function buildServer(options: ServeOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: false,
    bodyLimit,
    // Long enough for any job name, so a too-long one gets the engine's own message.
    routerOptions: { maxParamLength: 1000 },
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    return503OnClosing: true,
    // A URL the router cannot decode never reaches a route: answer it in the same shape.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      reply.code(400).send({ error: `the URL is not valid: ${error.message}` });
    },
  }) as unknown as FastifyInstance;

  // JSON only, read with every digit kept (json-body.ts); anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(new HttpError(400, 'the body is empty: send a JSON object, or no body and no Content-Type'), undefined);
    try {
      done(null, parseExactJson(text));
    } catch (error) {
      done(new HttpError(400, `the body is not valid JSON: ${errorMessage(error)}`), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    reply.header('cache-control', 'no-store');
    const crossSite = crossSiteProblem(request, options.tokens === undefined);
    if (crossSite) return reply.code(403).send({ error: crossSite });
    const verdict = authorize(request.headers.authorization, request.routeOptions.config.access ?? 'public', options.tokens);
    if (!verdict.ok) {
      if (verdict.status === 401) reply.header('www-authenticate', 'Bearer realm="work"');
      return reply.code(verdict.status).send({ error: verdict.error });
    }
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply, options, bodyLimit));

  healthRoutes(app, options);
  clusterRoutes(app, options);
  enqueueRoutes(app, options);
  metricsRoutes(app, options);
  pageRoutes(app);
  return app;
}

function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, options: ServeOptions, bodyLimit: number): void {
  const [status, message] = classify(error, bodyLimit, options);
  if (status >= 500) options.log(options.redact(`${request.method} ${request.url.split('?')[0]}: ${status} ${errorMessage(error)}`));
  reply.code(status).send({ error: options.redact(message) });
}

function classify(error: FastifyError, bodyLimit: number, options: ServeOptions): [number, string] {
  if (error instanceof HttpError) return [error.statusCode, error.message];
  if (error instanceof InvalidArgumentError || error instanceof InvalidJobError) return [400, error.message];
  if (error instanceof NotDeletedError || error instanceof NotRetriedError) return [404, error.message];
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return [413, `the body is larger than ${bodyLimit} bytes, the limit of this server (--body-limit)`];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return [415, 'send the body as JSON, with Content-Type: application/json'];
  }
  if (error.validation) return [400, error.message];
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return [error.statusCode, error.message];
  if (options.redisDown()) return [503, `Redis is unreachable: ${errorMessage(error)}`];
  return [500, errorMessage(error)];
}
