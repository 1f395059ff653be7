// Loads the Lua scripts (one operation per file in ./lua) and runs them with
// EVALSHA, falling back to EVAL when the server's script cache lacks one
// (ioredis' defineCommand does both, in plain calls and in pipelines).
//
// File names end in the number of KEYS the script takes (`ack-jobs-var.lua`
// takes a variable number), and runScript checks that count, so a wrong
// argument list fails here rather than inside Redis.
import { readFileSync } from 'node:fs';
import type { ChainableCommander, Redis } from 'ioredis';

export type ScriptName =
  | 'fetch-jobs-var'
  | 'enqueue-1'
  | 'ack-jobs-var'
  | 'enqueue-unique-2'
  | 'release-unique-var'
  | 'swap-in-progress-1'
  | 'move-to-queues-var'
  | 'return-jobs-var'
  | 'reap-pool-var'
  | 'repair-locks-var'
  | 'periodic-enqueue-2';

interface ScriptSpec {
  command: string;
  numberOfKeys: number | undefined;
  lua: string;
}

const specs = new Map<ScriptName, ScriptSpec>();

function specFor(name: ScriptName): ScriptSpec {
  let spec = specs.get(name);
  if (!spec) {
    const lua = readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
    const suffix = name.slice(name.lastIndexOf('-') + 1);
    spec = {
      command: `work_${name.replace(/-/g, '_')}`,
      numberOfKeys: suffix === 'var' ? undefined : Number(suffix),
      lua,
    };
    specs.set(name, spec);
  }
  return spec;
}

const defined = new WeakSet<Redis>();

/** Register every script on a connection once; pipelines made from it inherit them. */
export function defineScripts(redis: Redis, names: readonly ScriptName[] = ALL_SCRIPTS): void {
  if (defined.has(redis)) return;
  for (const name of names) {
    const spec = specFor(name);
    redis.defineCommand(spec.command, { lua: spec.lua, numberOfKeys: spec.numberOfKeys });
  }
  defined.add(redis);
}

export const ALL_SCRIPTS: readonly ScriptName[] = [
  'fetch-jobs-var',
  'enqueue-1',
  'ack-jobs-var',
  'enqueue-unique-2',
  'release-unique-var',
  'swap-in-progress-1',
  'move-to-queues-var',
  'return-jobs-var',
  'reap-pool-var',
  'repair-locks-var',
  'periodic-enqueue-2',
];

export type ScriptArg = string | number | Buffer;

function commandArgs(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): unknown[] {
  const spec = specFor(name);
  if (spec.numberOfKeys !== undefined) {
    if (keys.length !== spec.numberOfKeys) {
      throw new Error(`${name}: expected ${spec.numberOfKeys} keys, got ${keys.length}`);
    }
    return [...keys, ...args];
  }
  return [keys.length, ...keys, ...args];
}

/**
 * Run a script now and return its reply. With `replyAs: 'buffers'` every
 * bulk string in the reply arrives as the Buffer Redis sent (integers stay
 * numbers): for replies holding values that will be sent back (see redis-bytes.ts).
 */
export async function runScript<T = unknown>(
  redis: Redis,
  name: ScriptName,
  keys: readonly string[],
  args: readonly ScriptArg[],
  replyAs: 'text' | 'buffers' = 'text',
): Promise<T> {
  defineScripts(redis);
  const command = replyAs === 'buffers' ? `${specFor(name).command}Buffer` : specFor(name).command;
  const call = (redis as unknown as Record<string, (...a: unknown[]) => Promise<T>>)[command];
  if (!call) throw new Error(`script ${name} is not defined on this connection`);
  return call.apply(redis, commandArgs(name, keys, args));
}

/** Queue a script call on a pipeline or MULTI (the connection must have had defineScripts). */
export function queueScript(
  pipeline: ChainableCommander,
  name: ScriptName,
  keys: readonly string[],
  args: readonly ScriptArg[],
): ChainableCommander {
  const call = (pipeline as unknown as Record<string, (...a: unknown[]) => ChainableCommander>)[specFor(name).command];
  if (!call) throw new Error(`script ${name} is not defined on this pipeline's connection`);
  return call.apply(pipeline, commandArgs(name, keys, args));
}
