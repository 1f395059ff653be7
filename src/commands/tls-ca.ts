// --tls-ca: a private CA for rediss:// connections, read and checked once at
// start-up so a bad file is a usage error (exit 2) naming the file, not a TLS
// failure (exit 3) on the first connection.
import { X509Certificate } from 'node:crypto';
import type { GlobalOptions } from './command.js';
import { UsageError } from './exit-codes.js';
import { maskRedisUrl, validateRedisUrl } from './redis-url.js';
import { readSettingFile } from './setting-file.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The CA bundle's PEM text, or undefined when no CA was given. Throws UsageError. */
export function loadTlsCa(global: GlobalOptions): string | undefined {
  if (!global.tlsCa) return undefined;
  const { file, from } = global.tlsCa;
  validateRedisUrl(global.redisUrl);
  if (new URL(global.redisUrl).protocol !== 'rediss:') {
    // The variable may be exported for production's rediss:// while a plain
    // local redis:// is used: it applies to TLS URLs only. The flag is asked
    // for on this very command, so with a plain URL it is a mistake (ioredis
    // would connect in plain text and never look at the CA).
    if (from === 'WORK_TLS_CA') return undefined;
    throw new UsageError(`${from} is for TLS, but ${maskRedisUrl(global.redisUrl)} is plain redis://: use a rediss:// URL or drop ${from}`);
  }
  const text = readSettingFile(from, file, 'CA file');
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new UsageError(`${from} ${file}: not a PEM CA file (no "-----BEGIN CERTIFICATE-----" block)`);
  }
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new UsageError(`${from} ${file}: certificate ${i + 1} of ${blocks.length} does not parse (${(error as Error).message})`);
    }
  });
  // Only the certificates: whatever else is in the file (comments, a stray key) stays out of the TLS context.
  return blocks.join('\n');
}
