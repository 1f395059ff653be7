// What every subcommand module exports, and the flags every subcommand takes.
import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../engine/redis/connection.js';
import { connectRedis, type ConnectOptions } from './redis-url.js';
import { loadTlsCa } from './tls-ca.js';

export interface FlagSpec {
  type: 'string' | 'boolean' | 'number';
  shortFlag?: string;
  isMultiple?: boolean;
  default?: unknown;
}

export interface GlobalOptions {
  redisUrl: string;
  namespace: string;
  json: boolean;
  /** A CA file to trust for rediss://, and where it was named (for messages). */
  tlsCa?: { file: string; from: '--tls-ca' | 'WORK_TLS_CA' };
}

export interface CommandContext {
  input: string[];
  flags: Record<string, unknown>;
  global: GlobalOptions;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on the first SIGINT/SIGTERM; commands stop cleanly at a safe point. */
  signal: AbortSignal;
  /** Connect to the global --redis, or fail within 5 s (exit 3). */
  connect(options?: ConnectOptions): Promise<Redis>;
}

export interface Command {
  /** The usage line, e.g. "work retry-dead (--all | ID...) [--job NAME] [--dry-run]". */
  usage: string;
  /** A paragraph on what it does. */
  details?: string;
  flags: Record<string, FlagSpec & { description: string }>;
  examples: string[];
  /** Returns the exit code (default 0). Throws for failures; the entry point maps errors to codes. */
  run(ctx: CommandContext): Promise<number | void>;
}

export const GLOBAL_FLAGS = {
  redis: { type: 'string', description: `Redis URL (env REDIS_URL; default ${DEFAULT_REDIS_URL}; rediss:// for TLS)` },
  namespace: { type: 'string', shortFlag: 'n', description: 'gocraft namespace (env WORK_NAMESPACE; default "work")' },
  json: { type: 'boolean', description: 'machine-readable JSON on stdout' },
  tlsCa: { type: 'string', description: 'trust this PEM CA file for rediss:// (env WORK_TLS_CA)' },
} as const satisfies Record<string, FlagSpec & { description: string }>;

export function resolveGlobals(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  return {
    redisUrl: (flags.redis as string | undefined) || env.REDIS_URL || DEFAULT_REDIS_URL,
    namespace: (flags.namespace as string | undefined) ?? env.WORK_NAMESPACE ?? 'work',
    json: Boolean(flags.json),
    tlsCa: tlsCaSetting(flags, env),
  };
}

function tlsCaSetting(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions['tlsCa'] {
  // An empty --tls-ca= is a mistake to report (it cannot be read), an empty WORK_TLS_CA means unset.
  if (typeof flags.tlsCa === 'string') return { file: flags.tlsCa, from: '--tls-ca' };
  if (env.WORK_TLS_CA) return { file: env.WORK_TLS_CA, from: 'WORK_TLS_CA' };
  return undefined;
}

/** Reads --tls-ca now (a bad file throws UsageError before any command work), then every connection uses it. */
export function makeConnector(global: GlobalOptions): CommandContext['connect'] {
  const ca = loadTlsCa(global);
  return (options) => connectRedis(global.redisUrl, { ...options, ...(ca ? { ca } : {}) });
}

/** The help text for one command, built from its spec so help never drifts from the flags. */
export function commandHelp(name: string, description: string, command: Command): string {
  const all: Record<string, FlagSpec & { description: string }> = { ...command.flags, ...GLOBAL_FLAGS };
  const flagLines = Object.entries(all).map(([flag, spec]) => {
    const short = spec.shortFlag ? `-${spec.shortFlag}, ` : '    ';
    const kebab = flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const value = spec.type === 'boolean' ? '' : ` ${spec.type === 'number' ? 'N' : 'VALUE'}`;
    return `  ${short}--${kebab}${value}`.padEnd(30) + spec.description;
  });
  return [
    `${description}`,
    '',
    `Usage`,
    `  ${command.usage}`,
    ...(command.details ? ['', ...command.details.split('\n').map((l) => `  ${l}`)] : []),
    '',
    'Options',
    ...flagLines,
    '',
    'Examples',
    ...command.examples.map((e) => `  $ ${e}`),
  ].join('\n');
}
