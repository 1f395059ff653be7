// What every subcommand module exports, and the flags every subcommand takes.
import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../engine/redis/connection.js';
import { loadRedisPassword } from './redis-password.js';
import { connectRedis, maskSecrets, type ConnectOptions } from './redis-url.js';
import { loadTlsCa } from './tls-ca.js';

export interface FlagSpec {
  type: 'string' | 'boolean' | 'number';
  shortFlag?: string;
  isMultiple?: boolean;
  default?: unknown;
  /** What the value is, in the root help ("URL", "FILE"). */
  valueName?: string;
}

/** A file named by a setting, and where it was named (for messages). */
export interface NamedFile {
  file: string;
  from: string;
}

export interface GlobalOptions {
  redisUrl: string;
  /** Where the URL came from: "--redis", "REDIS_URL", or "default" when nobody named one. */
  redisFrom: string;
  namespace: string;
  json: boolean;
  /** A CA file to trust for rediss:// (from "--tls-ca" or "WORK_TLS_CA"). */
  tlsCa?: NamedFile;
  /** A file holding the Redis password. */
  redisPasswordFile?: NamedFile;
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
  /** The text with the Redis URL and every password masked: for every message and log line. */
  redact(text: string): string;
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
  redis: { type: 'string', valueName: 'URL', description: `Redis URL (env REDIS_URL; default ${DEFAULT_REDIS_URL}; rediss:// for TLS)` },
  namespace: { type: 'string', shortFlag: 'n', valueName: 'NS', description: 'gocraft namespace (env WORK_NAMESPACE; default "work")' },
  json: { type: 'boolean', description: 'machine-readable JSON on stdout' },
  tlsCa: { type: 'string', valueName: 'FILE', description: 'trust this PEM CA file for rediss:// (env WORK_TLS_CA)' },
  redisPasswordFile: { type: 'string', valueName: 'FILE', description: 'read the Redis password from FILE (env WORK_REDIS_PASSWORD_FILE)' },
} as const satisfies Record<string, FlagSpec & { description: string }>;

export function resolveGlobals(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const flagUrl = flags.redis as string | undefined;
  const [redisUrl, redisFrom] = flagUrl ? [flagUrl, '--redis'] : env.REDIS_URL ? [env.REDIS_URL, 'REDIS_URL'] : [DEFAULT_REDIS_URL, 'default'];
  return {
    redisUrl,
    redisFrom,
    namespace: (flags.namespace as string | undefined) ?? env.WORK_NAMESPACE ?? 'work',
    json: Boolean(flags.json),
    tlsCa: fileSetting(flags.tlsCa, '--tls-ca', env.WORK_TLS_CA, 'WORK_TLS_CA'),
    redisPasswordFile: fileSetting(flags.redisPasswordFile, '--redis-password-file', env.WORK_REDIS_PASSWORD_FILE, 'WORK_REDIS_PASSWORD_FILE'),
  };
}

function fileSetting(flag: unknown, flagName: string, env: string | undefined, envName: string): NamedFile | undefined {
  // An empty --flag= is a mistake to report (it cannot be read), an empty variable means unset.
  if (typeof flag === 'string') return { file: flag, from: flagName };
  if (env) return { file: env, from: envName };
  return undefined;
}

/**
 * Reads --tls-ca and the password file now (a bad file throws UsageError
 * before any command work); every connection then uses them, and every
 * message is masked with them.
 */
export function redisAccess(global: GlobalOptions): Pick<CommandContext, 'connect' | 'redact'> {
  const ca = loadTlsCa(global);
  const password = loadRedisPassword(global);
  return {
    connect: (options) => connectRedis(global.redisUrl, { ...options, ...(ca ? { ca } : {}), ...(password !== undefined ? { password } : {}) }),
    redact: (text) => maskSecrets(text, global.redisUrl, password),
  };
}

/**
 * One line per flag, descriptions in one column: used by every help text.
 * `named`: show what a value is ("URL", "FILE"), as the root help does; a
 * command's help says VALUE or N.
 */
export function flagLines(flags: Record<string, FlagSpec & { description: string }>, named = false): string[] {
  const names = Object.entries(flags).map(([flag, spec]) => {
    const short = spec.shortFlag ? `-${spec.shortFlag}, ` : '    ';
    const generic = spec.type === 'number' ? 'N' : 'VALUE';
    const value = spec.type === 'boolean' ? '' : ` ${(named && spec.valueName) || generic}`;
    return `  ${short}--${kebabCase(flag)}${value}`;
  });
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return Object.values(flags).map((spec, i) => names[i]!.padEnd(width) + spec.description);
}

export const kebabCase = (flag: string): string => flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The help text for one command, built from its spec so help never drifts from the flags. */
export function commandHelp(name: string, description: string, command: Command): string {
  return [
    `${description}`,
    '',
    `Usage`,
    `  ${command.usage}`,
    ...(command.details ? ['', ...command.details.split('\n').map((l) => `  ${l}`)] : []),
    '',
    'Options',
    ...flagLines({ ...command.flags, ...GLOBAL_FLAGS }),
    '',
    'Examples',
    ...command.examples.map((e) => `  $ ${e}`),
  ].join('\n');
}
