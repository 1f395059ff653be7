// Named contexts: where a Redis is and how to reach it, kept in a config file
// so on-call types `--context prod` instead of pasting URLs (and passwords).
//
//   $XDG_CONFIG_HOME/work/config.json (default ~/.config/work/config.json)
//   { "contexts": { "prod": { "redis": "rediss://work@redis.internal:6380", "namespace": "my_app",
//                             "tlsCa": "/etc/ssl/redis-ca.pem", "redisPasswordFile": "~/.secrets/redis-prod" } } }
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from './exit-codes.js';
import { readSettingFile } from './setting-file.js';
import { nearest } from './suggest.js';

/** A context's settings: the same names as the global flags they stand for. */
export interface ContextSettings {
  redis: string;
  namespace?: string;
  tlsCa?: string;
  redisPasswordFile?: string;
}

export interface NamedContext extends ContextSettings {
  name: string;
  /** The config file it came from. */
  file: string;
}

const SETTINGS: Record<keyof ContextSettings, string> = {
  redis: 'Redis URL, as --redis',
  namespace: 'gocraft namespace, as -n',
  tlsCa: 'PEM CA file for rediss://, as --tls-ca',
  redisPasswordFile: 'file holding the password, as --redis-password-file',
};

export function configFile(env: NodeJS.ProcessEnv): string {
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'work', 'config.json');
}

const EXAMPLE = '{ "contexts": { "prod": { "redis": "redis://work@redis.internal:6379", "redisPasswordFile": "~/.secrets/redis" } } }';

/** Every context in the file, by name, unchecked beyond being objects. Throws UsageError. */
function readContexts(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readSettingFile('config file', file, 'config file');
  } catch (error) {
    if (/\(ENOENT\)$/.test((error as Error).message)) throw new UsageError(`no config file at ${file}: create it, for example ${EXAMPLE}`);
    throw error;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const contexts = isObject(config) ? config.contexts : undefined;
  if (!isObject(contexts)) throw new UsageError(`${file}: expected an object with "contexts": ${EXAMPLE}`);
  return contexts;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The names of the file's contexts, sorted. */
export function contextNames(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(readContexts(configFile(env))).sort();
}

/** The context called `name`, checked, with its file paths resolved. Throws UsageError. */
export function loadContext(name: string, env: NodeJS.ProcessEnv): NamedContext {
  const file = configFile(env);
  const contexts = readContexts(file);
  const raw = Object.hasOwn(contexts, name) ? contexts[name] : undefined;
  if (raw === undefined) {
    const names = Object.keys(contexts).sort();
    const guess = nearest(name, names);
    const known = names.length > 0 ? `known: ${names.join(', ')}` : 'the file has none';
    throw new UsageError(`unknown context "${name}" in ${file}${guess ? ` (did you mean ${guess}?)` : ''}; ${known}`);
  }
  const where = `context "${name}" in ${file}`;
  if (!isObject(raw)) throw new UsageError(`${where}: expected an object of settings (${Object.keys(SETTINGS).join(', ')})`);
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(SETTINGS, key)) {
      const guess = nearest(key, Object.keys(SETTINGS));
      throw new UsageError(`${where}: unknown setting "${key}"${guess ? ` (did you mean ${guess}?)` : ''}; known: ${Object.keys(SETTINGS).join(', ')}`);
    }
    if (typeof value !== 'string' || value === '') throw new UsageError(`${where}: "${key}" must be a non-empty string (${SETTINGS[key as keyof ContextSettings]})`);
  }
  const settings = raw as Partial<ContextSettings>;
  if (settings.redis === undefined) throw new UsageError(`${where}: "redis" is missing (${SETTINGS.redis})`);
  // Paths are relative to the config file, and "~/" is the home directory, as in a shell.
  const path = (p: string | undefined) => (p === undefined ? undefined : p.startsWith('~/') ? join(homedir(), p.slice(2)) : resolve(dirname(file), p));
  return {
    name,
    file,
    redis: settings.redis,
    ...(settings.namespace !== undefined ? { namespace: settings.namespace } : {}),
    ...(settings.tlsCa !== undefined ? { tlsCa: path(settings.tlsCa) } : {}),
    ...(settings.redisPasswordFile !== undefined ? { redisPasswordFile: path(settings.redisPasswordFile) } : {}),
  };
}
