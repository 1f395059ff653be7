// `POST /jobs/:name`: enqueue over HTTP (the enqueue scope). It answers as
// `work enqueue --json` prints: 201 with the job written, or 409 when a
// unique job was refused because an equal one waits or is scheduled.
import type { FastifyInstance } from 'fastify';
import { goJsonStringify } from '../../engine/codec/go-json.js';
import { enqueueRequest, readEnqueueRequest } from '../enqueue-request.js';
import type { ServeOptions } from '../server.js';

export function enqueueRoutes(app: FastifyInstance, { enqueuer }: ServeOptions): void {
  app.post('/jobs/:name', { config: { access: 'enqueue' } }, async (request, reply) => {
    const { name = '' } = request.params as Record<string, string>;
    const outcome = await enqueueRequest(enqueuer, name, readEnqueueRequest(request.body));
    const body = outcome.job
      ? { enqueued: true, ...(outcome.runAt !== undefined ? { runAt: outcome.runAt } : {}), job: outcome.job }
      : { enqueued: false, reason: 'duplicate' };
    // Go's encoder, not JSON.stringify: args may hold integers past 2^53 (BigInt), written digit for digit.
    return reply.code(outcome.job ? 201 : 409).type('application/json; charset=utf-8').send(goJsonStringify(body));
  });
}
