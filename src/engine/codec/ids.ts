import { randomBytes } from 'node:crypto';

/** gocraft's id format for jobs, pools and workers: 12 random bytes as 24 lowercase hex chars. */
export function makeId(): string {
  return randomBytes(12).toString('hex');
}
