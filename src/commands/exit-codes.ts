// Exit codes are part of the CLI's contract (documented in `work --help` and the README).
import { InvalidArgumentError, NotDeletedError, NotRetriedError } from '../engine/errors.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  redisUnreachable: 3,
  notFound: 4,
} as const;

export const EXIT_CODES_HELP = `Exit codes
  0  success
  1  the operation failed
  2  usage error (unknown flag, bad JSON, missing argument)
  3  Redis unreachable, or it refused the credentials
  4  a job ID was not found`;

/** Bad command-line input: printed with the usage line, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Redis did not answer: exit 3. The message carries the masked URL and the cause. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

/** Redis refused the credentials (or wants some): exit 3 as well, with a message saying so. */
export class RedisCredentialsError extends RedisUnreachableError {
  override name = 'RedisCredentialsError';
  constructor(
    message: string,
    /** The ACL user that was refused ("default" without one). */
    readonly user: string,
  ) {
    super(message);
  }
}

/** Some IDs were not found (others may have been handled): exit 4. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof InvalidArgumentError) return EXIT.usage;
  if (error instanceof RedisUnreachableError) return EXIT.redisUnreachable;
  if (error instanceof NotFoundError || error instanceof NotDeletedError || error instanceof NotRetriedError) {
    return EXIT.notFound;
  }
  return EXIT.failed;
}
