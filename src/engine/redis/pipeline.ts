import type { Redis } from 'ioredis';

/** Send a pipeline (or MULTI) and return its replies, raising the first command error instead of returning it. */
export async function execOrThrow(pipe: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipe.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
