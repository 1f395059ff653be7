// Files named by a setting (--tls-ca, --redis-password-file, the config file):
// read once at start-up, and a file that cannot be read is a usage error
// (exit 2) that names the setting and the file.
import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

/** `from` names the setting ("--tls-ca", "context \"prod\" tlsCa"); `what` the file ("CA file"). */
export function readSettingFile(from: string, file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${from} ${file}: cannot read the ${what} (${code})`);
  }
}
