// The read and repair API, route for route as gocraft's web UI server maps
// them to its Client: GETs need the read scope, POSTs the admin scope. A
// repair answers {"status":"ok"} as gocraft's does, plus what it did; one
// that finds nothing is a 404 with the reason (gocraft answers 500).
import type { FastifyInstance } from 'fastify';
import type { DeleteAllResult, RetryAllResult } from '../../engine/client/client.js';
import type { JobPage } from '../../engine/client/types.js';
import { pageShape, poolShape, queueShape, workerShape, type ScoreKey } from '../shapes.js';
import { HttpError } from '../http-error.js';
import type { ServeOptions } from '../server.js';

const read = { config: { access: 'read' as const } };
const admin = { config: { access: 'admin' as const } };

/** ?page=N, 1 when absent; anything but a whole number from 1 up is a 400. */
export function parsePage(value: unknown): number {
  if (value === undefined || value === '') return 1;
  const text = String(value);
  const page = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(page) || page < 1) {
    throw new HttpError(400, `page must be a whole number from 1 up, got ${JSON.stringify(text.slice(0, 20))}`);
  }
  return page;
}

/** The :died_at part of a path: the score the page showed, used to find the job at once. */
export function parseScore(value: string): number {
  const score = Number(value);
  if (!/^-?[0-9]+$/.test(value) || !Number.isSafeInteger(score)) {
    throw new HttpError(400, `died_at must be a whole number of epoch seconds, got ${JSON.stringify(value.slice(0, 20))}`);
  }
  return score;
}

/** What a bulk repair did: retried (or deleted) + left + changed = total, as `work retry-dead --all --json` says it. */
function tally({ total, left, changed, aborted }: RetryAllResult | DeleteAllResult): Record<string, unknown> {
  return { total, left, changed, interrupted: aborted };
}

type Params = Record<string, string>;
type Query = Record<string, unknown>;

export function clusterRoutes(app: FastifyInstance, { client, namespace, signal }: ServeOptions): void {
  app.get('/queues', read, async () => (await client.queues()).map(queueShape));
  app.get('/worker_pools', read, async () => (await client.workerPoolHeartbeats()).map(poolShape));
  app.get('/busy_workers', read, async () => (await client.workerObservations()).filter((o) => o.isBusy).map(workerShape));

  const setRoute = (path: string, scoreKey: ScoreKey, pageOf: (page: number) => Promise<JobPage>) =>
    app.get(path, read, async (request) => pageShape(await pageOf(parsePage((request.query as Query).page)), scoreKey));
  setRoute('/retry_jobs', 'retry_at', (page) => client.retryJobs(page));
  setRoute('/scheduled_jobs', 'run_at', (page) => client.scheduledJobs(page));
  setRoute('/dead_jobs', 'died_at', (page) => client.deadJobs(page));

  // work's own: the counts behind the page's overview, in one round trip.
  app.get('/overview', read, async () => ({ namespace, ...(await client.setCounts()) }));

  app.post('/delete_dead_job/:died_at/:job_id', admin, async (request) => {
    const { died_at: diedAt = '', job_id: id = '' } = request.params as Params;
    await client.deleteDeadJob(id, { score: parseScore(diedAt) });
    return { status: 'ok' };
  });
  app.post('/retry_dead_job/:died_at/:job_id', admin, async (request) => {
    const { died_at: diedAt = '', job_id: id = '' } = request.params as Params;
    await client.retryDeadJob(id, { score: parseScore(diedAt) });
    return { status: 'ok' };
  });
  app.post('/retry_dead_job_type/:job_type', admin, async (request) => {
    const result = await client.retryAllDeadJobs({ jobName: (request.params as Params).job_type ?? '', signal });
    return { status: 'ok', retried: result.retried, ...tally(result) };
  });
  app.post('/retry_all_dead_jobs', admin, async () => {
    const result = await client.retryAllDeadJobs({ signal });
    return { status: 'ok', retried: result.retried, ...tally(result) };
  });
  app.post('/delete_all_dead_jobs', admin, async () => {
    const result = await client.deleteAllDeadJobs({ signal });
    return { status: 'ok', deleted: result.deleted, ...tally(result) };
  });
}
