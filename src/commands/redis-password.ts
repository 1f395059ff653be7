// --redis-password-file FILE (env WORK_REDIS_PASSWORD_FILE, or a context's
// redisPasswordFile): the Redis password from a file, so it is never in argv,
// the environment or a URL.
import type { GlobalOptions } from './command.js';
import { UsageError } from './exit-codes.js';
import { maskRedisUrl, urlCarriesPassword } from './redis-url.js';
import { readSettingFile } from './setting-file.js';

/** The password, or undefined when no file was named. Throws UsageError naming the file. */
export function loadRedisPassword(global: GlobalOptions): string | undefined {
  if (!global.redisPasswordFile) return undefined;
  const { file, from } = global.redisPasswordFile;
  if (urlCarriesPassword(global.redisUrl)) {
    throw new UsageError(`${from} names a password file, but ${maskRedisUrl(global.redisUrl)} already carries a password: keep one of them`);
  }
  // Files written by `echo` or an editor end with a newline that is not part of the password.
  const password = readSettingFile(from, file, 'password file').replace(/\r?\n$/, '');
  if (password === '') throw new UsageError(`${from} ${file}: the password file is empty`);
  if (/[\r\n]/.test(password)) throw new UsageError(`${from} ${file}: the password file holds more than one line`);
  return password;
}
