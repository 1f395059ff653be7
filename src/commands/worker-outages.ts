// `work worker` while Redis is away: one line when the connection drops, one
// when it is back with how long it was down, and one if Redis refuses the
// credentials meanwhile (a rotated password). The pool's background steps
// fail and retry on their own during an outage; their errors say nothing the
// outage line does not, so they are counted and summed up on return.
import type { Redis } from 'ioredis';
import { errorMessage } from '../engine/errors.js';
import type { WorkerPool } from '../engine/pool/worker-pool.js';
import { inert } from '../support/inert.js';
import type { CommandContext } from './command.js';
import type { WorkerLog } from './job-log.js';
import { credentialsProblem, urlUser } from './redis-url.js';

/** The pool reports its connections as "<name> connection" (see WorkerPool.watchConnection). */
const isConnectionOp = (op: string): boolean => op.endsWith(' connection');

export function watchOutages(ctx: CommandContext, redis: Redis, pool: WorkerPool, { line }: WorkerLog): void {
  let downSince: number | undefined;
  let failedSteps = 0;
  let credentialsLogged = false;

  const lost = (cause: string) => {
    // Once stopping, the worker closes the connection itself.
    if (downSince !== undefined || ctx.signal.aborted) return;
    downSince = performance.now();
    failedSteps = 0;
    credentialsLogged = false;
    line({ event: 'redis:down', error: cause }, `Redis connection lost (${cause}); retrying, running jobs carry on`);
  };
  const back = () => {
    if (downSince === undefined) return;
    const downMs = Math.round(performance.now() - downSince);
    downSince = undefined;
    const meanwhile = failedSteps > 0 ? `; ${failedSteps} background step(s) failed meanwhile and resumed` : '';
    line({ event: 'redis:up', downMs, failedSteps }, `Redis connection back after ${(downMs / 1000).toFixed(1)} s${meanwhile}`);
  };

  redis.on('close', () => lost('connection closed'));
  redis.on('ready', back);
  redis.on('error', (error) => {
    if (credentialsProblem(error) !== 'refused' || credentialsLogged) return;
    lost(errorMessage(error));
    credentialsLogged = true;
    const user = urlUser(ctx.global.redisUrl);
    line({ event: 'redis:credentials-refused', user }, `Redis refused the credentials for user "${user}"; retrying until they are accepted`);
  });
  pool.on('error', ({ op, error }) => {
    const message = ctx.redact(errorMessage(error));
    if (isConnectionOp(op)) {
      // The subscriber may drop before the main connection says so, or alone.
      if (message !== 'reconnected') lost(message);
      else if (redis.status === 'ready') back();
      return;
    }
    if (downSince !== undefined) {
      failedSteps++;
      return;
    }
    ctx.stderr.write(`work worker: ${op}: ${inert(message)}\n`);
  });
}
