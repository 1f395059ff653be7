// The contract of a handlers module (what `work worker ./handlers.js` loads),
// and its validation. Pure: takes the imported module object.
import { InvalidArgumentError } from '../errors.js';
import { resolveJobOptions, type JobOptions } from './job-options.js';
import type { Handler, Middleware } from './middleware.js';
import { parseCronSpec } from './periodic-schedule.js';
import { validateJobName } from '../codec/validation.js';

export type JobDefinition = Handler | (JobOptions & { handler: Handler });

export interface HandlersModule {
  /** Job name -> handler, or handler with options. */
  jobs: Record<string, JobDefinition>;
  middleware?: Middleware[];
  periodic?: Array<{ spec: string; job: string }>;
  /** Default pool concurrency (the --concurrency flag wins). */
  concurrency?: number;
}

/** Typing helper for handler modules: `export default defineHandlers({ jobs: { … } })`. */
export function defineHandlers(module: HandlersModule): HandlersModule {
  return module;
}

export interface LoadedJob {
  name: string;
  options: JobOptions;
  handler: Handler;
}

export interface LoadedHandlers {
  jobs: LoadedJob[];
  middleware: Middleware[];
  periodic: Array<{ spec: string; job: string }>;
  concurrency: number | undefined;
}

const JOB_OPTION_KEYS = new Set(['handler', 'priority', 'maxFails', 'skipDead', 'maxConcurrency', 'backoff', 'timeoutMs', 'maxRescues']);

/**
 * Accepts `export default { jobs, … }`, named exports `jobs`, `middleware`,
 * `periodic`, `concurrency`, or CommonJS `module.exports = { … }`. Every
 * problem is reported with the job name and what is wrong.
 */
export function validateHandlersModule(imported: unknown, where: string): LoadedHandlers {
  const record = (imported ?? {}) as Record<string, unknown>;
  const candidate = (record.jobs === undefined && typeof record.default === 'object' && record.default !== null
    ? record.default
    : record) as Record<string, unknown>;
  const jobs = candidate.jobs;
  if (typeof jobs !== 'object' || jobs === null || Array.isArray(jobs)) {
    throw new InvalidArgumentError(
      `${where} declares no handlers: export "jobs", an object of job name -> handler (see examples/handlers.js)`,
    );
  }
  const loaded: LoadedJob[] = [];
  for (const [name, definition] of Object.entries(jobs as Record<string, unknown>)) {
    validateJobName(name);
    if (typeof definition === 'function') {
      loaded.push({ name, options: {}, handler: definition as Handler });
      continue;
    }
    if (typeof definition !== 'object' || definition === null) {
      throw new InvalidArgumentError(`${where}: job "${name}" must be a function or { handler, …options }, got ${typeof definition}`);
    }
    const { handler, ...options } = definition as Record<string, unknown>;
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError(`${where}: job "${name}" has no handler function (got ${typeof handler})`);
    }
    for (const key of Object.keys(options)) {
      if (!JOB_OPTION_KEYS.has(key)) {
        throw new InvalidArgumentError(
          `${where}: job "${name}" has an unknown option "${key}" (known: ${[...JOB_OPTION_KEYS].filter((k) => k !== 'handler').join(', ')})`,
        );
      }
    }
    resolveJobOptions(name, options as JobOptions);
    loaded.push({ name, options: options as JobOptions, handler: handler as Handler });
  }
  if (loaded.length === 0) throw new InvalidArgumentError(`${where} declares no handlers: "jobs" is empty`);

  const middleware = candidate.middleware ?? [];
  if (!Array.isArray(middleware) || middleware.some((m) => typeof m !== 'function')) {
    throw new InvalidArgumentError(`${where}: "middleware" must be an array of functions (job, next) => …`);
  }
  const periodic = candidate.periodic ?? [];
  if (!Array.isArray(periodic)) throw new InvalidArgumentError(`${where}: "periodic" must be an array of { spec, job }`);
  for (const entry of periodic as Array<Record<string, unknown>>) {
    if (typeof entry?.spec !== 'string' || typeof entry?.job !== 'string') {
      throw new InvalidArgumentError(`${where}: each periodic entry needs a "spec" string and a "job" name`);
    }
    parseCronSpec(entry.spec);
    if (!loaded.some((j) => j.name === entry.job)) {
      throw new InvalidArgumentError(`${where}: periodic job "${entry.job}" has no handler in "jobs"`);
    }
  }
  const concurrency = candidate.concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || (concurrency as number) < 1)) {
    throw new InvalidArgumentError(`${where}: "concurrency" must be a positive integer`);
  }
  return {
    jobs: loaded,
    middleware: middleware as Middleware[],
    periodic: periodic as Array<{ spec: string; job: string }>,
    concurrency: concurrency as number | undefined,
  };
}
