// Loads the Lua scripts (one operation per file in ./lua) and runs them with
// EVALSHA, falling back to EVAL when the server's script cache lacks one
// (ioredis' defineCommand does both, in plain calls and in pipelines).
//
// Helpers several scripts share live in lua/includes/ and are pulled in by a
// line `--- @include <name>`.
//
// File names end in the number of KEYS the script takes (`ack-jobs-var.lua`
// takes a variable number), and runScript checks that count, so a wrong
// argument list fails here rather than inside Redis.
//
// A script whose first line is a Redis 7 shebang (`#!lua flags=allow-oom`)
// runs even when Redis is out of memory: the scripts that move jobs a pool
// already has to run (fetch, acknowledge, return, rescue, requeue) must not
// stop because producers filled Redis. Redis before 7 cannot compile a
// shebang; on such a server the script is sent without its first line from
// then on, and behaves as before.
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
  | 'periodic-enqueue-2'
  | 'find-in-list-1'
  | 'purge-queue-2'
  | 'delete-queued-job-var'
  | 'search-set-1'
  | 'heartbeat-2';

interface ScriptSpec {
  command: string;
  /** The same script without its shebang, for Redis before 7; undefined when it has none. */
  legacyCommand: string | undefined;
  numberOfKeys: number | undefined;
  lua: string;
}

const specs = new Map<ScriptName, ScriptSpec>();

/** A line `--- @include name` is replaced by lua/includes/name.lua: shared Lua lives once. */
function withIncludes(lua: string): string {
  return lua.replace(/^--- @include ([a-z0-9-]+)$/gm, (_, include: string) =>
    readFileSync(new URL(`./lua/includes/${include}.lua`, import.meta.url), 'utf8').trimEnd(),
  );
}

function specFor(name: ScriptName): ScriptSpec {
  let spec = specs.get(name);
  if (!spec) {
    const lua = withIncludes(readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8'));
    const suffix = name.slice(name.lastIndexOf('-') + 1);
    const command = `work_${name.replace(/-/g, '_')}`;
    spec = {
      command,
      legacyCommand: lua.startsWith('#!') ? `${command}_legacy` : undefined,
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
    if (spec.legacyCommand) {
      // The line stays (as a comment) so error line numbers match the file.
      const legacy = spec.lua.replace(/^#![^\n]*/, '-- (shebang removed: Redis before 7)');
      redis.defineCommand(spec.legacyCommand, { lua: legacy, numberOfKeys: spec.numberOfKeys });
    }
  }
  defined.add(redis);
}

/** Connections to a Redis that cannot compile a shebang (before 7.0). */
const legacyServers = new WeakSet<Redis>();
const SHEBANG_REFUSED = /Error compiling script|unexpected symbol near '#'/;

function commandName(redis: Redis, spec: ScriptSpec): string {
  return spec.legacyCommand !== undefined && legacyServers.has(redis) ? spec.legacyCommand : spec.command;
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
  'find-in-list-1',
  'purge-queue-2',
  'delete-queued-job-var',
  'search-set-1',
  'heartbeat-2',
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
  const spec = specFor(name);
  const send = (): Promise<T> => {
    const base = commandName(redis, spec);
    const call = (redis as unknown as Record<string, (...a: unknown[]) => Promise<T>>)[replyAs === 'buffers' ? `${base}Buffer` : base];
    if (!call) throw new Error(`script ${name} is not defined on this connection`);
    return call.apply(redis, commandArgs(name, keys, args));
  };
  try {
    return await send();
  } catch (error) {
    if (spec.legacyCommand === undefined || legacyServers.has(redis) || !SHEBANG_REFUSED.test(String(error))) throw error;
    legacyServers.add(redis);
    return send();
  }
}

/** Queue a script call on a pipeline or MULTI (the connection must have had defineScripts). */
export function queueScript(
  pipeline: ChainableCommander,
  name: ScriptName,
  keys: readonly string[],
  args: readonly ScriptArg[],
): ChainableCommander {
  const spec = specFor(name);
  if (spec.legacyCommand !== undefined) throw new Error(`${name} carries a shebang: run it with runScript, which handles Redis before 7`);
  const call = (pipeline as unknown as Record<string, (...a: unknown[]) => ChainableCommander>)[spec.command];
  if (!call) throw new Error(`script ${name} is not defined on this pipeline's connection`);
  return call.apply(pipeline, commandArgs(name, keys, args));
}
