// What every subcommand module exports, and the flags every subcommand takes.
import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { namespacePrefix } from '../engine/codec/keys.js';
import { checkClusterNamespace, DEFAULT_REDIS_URL } from '../engine/redis/connection.js';
import { parseRedisTarget } from '../engine/redis/topology.js';
import { loadContext, type NamedContext } from './contexts.js';
import { UsageError } from './exit-codes.js';
import { loadRedisPassword } from './redis-password.js';
import { connectRedis, maskSecrets, validateRedisUrl, type ConnectOptions } from './redis-url.js';
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
  /** Where the URL came from: "--redis", "REDIS_URL", 'context "prod"', or "default" when nobody named one. */
  redisFrom: string;
  namespace: string;
  /** Where the namespace came from: "-n", "WORK_NAMESPACE", 'context "prod"' or "default". */
  namespaceFrom: string;
  json: boolean;
  /** A CA file to trust for rediss:// (from "--tls-ca" or "WORK_TLS_CA"). */
  tlsCa?: NamedFile;
  /** A file holding the Redis password. */
  redisPasswordFile?: NamedFile;
  /** The named context these settings came from, if any. */
  context?: string;
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
  /** Runs without Redis: the Redis settings (context, password and CA files) are not read. */
  local?: boolean;
  /** What shell completion offers for its arguments: file paths, or these words. */
  completeArgs?: 'files' | readonly string[];
  /** Returns the exit code (default 0). Throws for failures; the entry point maps errors to codes. */
  run(ctx: CommandContext): Promise<number | void>;
}

export const GLOBAL_FLAGS = {
  redis: { type: 'string', valueName: 'URL', description: `Redis URL (env REDIS_URL; default ${DEFAULT_REDIS_URL}; rediss:// for TLS; redis+cluster://h1:p1,h2:p2; redis+sentinel://s1,s2/NAME)` },
  namespace: { type: 'string', shortFlag: 'n', valueName: 'NS', description: 'gocraft namespace (env WORK_NAMESPACE; default "work")' },
  json: { type: 'boolean', description: 'machine-readable JSON on stdout' },
  tlsCa: { type: 'string', valueName: 'FILE', description: 'trust this PEM CA file for rediss:// (env WORK_TLS_CA)' },
  redisPasswordFile: { type: 'string', valueName: 'FILE', description: 'read the Redis password from FILE (env WORK_REDIS_PASSWORD_FILE)' },
  context: { type: 'string', valueName: 'NAME', description: 'Redis, namespace, CA and password file from a named context (env WORK_CONTEXT; see work contexts)' },
} as const satisfies Record<string, FlagSpec & { description: string }>;

export function resolveGlobals(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const contextName = typeof flags.context === 'string' ? flags.context : env.WORK_CONTEXT || undefined;
  if (contextName === '') throw new UsageError('--context needs the name of a context');
  if (contextName !== undefined) return contextGlobals(loadContext(contextName, env), flags);
  const flagUrl = flags.redis as string | undefined;
  const [redisUrl, redisFrom] = flagUrl ? [flagUrl, '--redis'] : env.REDIS_URL ? [env.REDIS_URL, 'REDIS_URL'] : [DEFAULT_REDIS_URL, 'default'];
  const flagNamespace = flags.namespace as string | undefined;
  const [namespace, namespaceFrom] =
    flagNamespace !== undefined ? [flagNamespace, '-n'] : env.WORK_NAMESPACE !== undefined ? [env.WORK_NAMESPACE, 'WORK_NAMESPACE'] : ['work', 'default'];
  return {
    redisUrl,
    redisFrom,
    namespace,
    namespaceFrom,
    json: Boolean(flags.json),
    tlsCa: fileSetting(flags.tlsCa, '--tls-ca', env.WORK_TLS_CA, 'WORK_TLS_CA'),
    redisPasswordFile: fileSetting(flags.redisPasswordFile, '--redis-password-file', env.WORK_REDIS_PASSWORD_FILE, 'WORK_REDIS_PASSWORD_FILE'),
  };
}

/**
 * A context is a whole target: the variables (REDIS_URL, WORK_NAMESPACE, …)
 * are not read beside it, so a shell's local settings never mix with
 * production's. A flag given with it still wins for that one setting.
 */
function contextGlobals(context: NamedContext, flags: Record<string, unknown>): GlobalOptions {
  const from = `context "${context.name}"`;
  const flagUrl = flags.redis as string | undefined;
  const flagNamespace = flags.namespace as string | undefined;
  return {
    redisUrl: flagUrl || context.redis,
    redisFrom: flagUrl ? '--redis' : from,
    namespace: flagNamespace ?? context.namespace ?? 'work',
    namespaceFrom: flagNamespace !== undefined ? '-n' : context.namespace !== undefined ? from : 'default',
    json: Boolean(flags.json),
    tlsCa: fileSetting(flags.tlsCa, '--tls-ca', context.tlsCa, `${from} tlsCa`),
    redisPasswordFile: fileSetting(flags.redisPasswordFile, '--redis-password-file', context.redisPasswordFile, `${from} redisPasswordFile`),
    context: context.name,
  };
}

function fileSetting(flag: unknown, flagName: string, fallback: string | undefined, fallbackName: string): NamedFile | undefined {
  // An empty --flag= is a mistake to report (it cannot be read), an empty variable means unset.
  if (typeof flag === 'string') return { file: flag, from: flagName };
  if (fallback) return { file: fallback, from: fallbackName };
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
    connect: async (options) => {
      // On a cluster an untagged namespace is refused before connecting, so the
      // command ends at once (exit 2) instead of leaving a cluster client open.
      validateRedisUrl(global.redisUrl);
      if (parseRedisTarget(global.redisUrl).kind === 'cluster') checkClusterNamespace(namespacePrefix(global.namespace));
      return connectRedis(global.redisUrl, { ...options, ...(ca ? { ca } : {}), ...(password !== undefined ? { password } : {}) });
    },
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
