// A script call as plain data: which script, its keys and arguments in order,
// and how to read its reply. Each script has one caller in ./calls that builds
// such a call (pure, unit-tested without Redis); this file sends it.
import type { ChainableCommander, Redis } from 'ioredis';
import { queueScript, runScript, type ScriptArg, type ScriptName } from './scripts.js';

export interface ScriptCall<R> {
  script: ScriptName;
  keys: string[];
  args: ScriptArg[];
  /** 'buffers' when the reply holds values that may be sent back (see redis-bytes.ts). */
  replyAs: 'text' | 'buffers';
  /** The typed result of a reply. */
  parse(reply: unknown): R;
}

export async function send<R>(redis: Redis, call: ScriptCall<R>): Promise<R> {
  return call.parse(await runScript(redis, call.script, call.keys, call.args, call.replyAs));
}

/** Add the call to a pipeline or MULTI; its reply is read with call.parse. */
export function queueCall(pipeline: ChainableCommander, call: ScriptCall<unknown>): ChainableCommander {
  return queueScript(pipeline, call.script, call.keys, call.args);
}

export const asNumber = (reply: unknown): number => Number(reply);
