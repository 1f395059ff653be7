// What every background role of a pool shares.
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';

export interface PoolContext {
  redis: Redis;
  prefix: string;
  poolId: string;
  clock: Clock;
  /** Report a failed step of a role; never throws. */
  report(op: string, error: unknown): void;
}
