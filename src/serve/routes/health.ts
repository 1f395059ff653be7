// Health checks, open to all (they say nothing about the cluster's jobs):
// /healthz answers while the process runs; /readyz asks Redis for its clock
// and reports the round trip, or 503 when Redis does not answer in time.
import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../engine/errors.js';
import type { ServeOptions } from '../server.js';

/** How long /readyz waits for Redis before it answers 503. */
export const READY_TIMEOUT_MS = 2000;

export function healthRoutes(app: FastifyInstance, { client, redact }: ServeOptions): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.serverTime(), deadline]);
      return { status: 'ok', rttMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', error: redact(`Redis: ${errorMessage(error)}`) });
    } finally {
      clearTimeout(timer);
    }
  });
}
