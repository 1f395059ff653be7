// Input checks shared by the enqueuer, the worker pool and the client.
import { InvalidArgumentError } from '../errors.js';

/**
 * Job names become parts of Redis keys and of comma-joined heartbeat fields,
 * so ',' breaks gocraft's reaper and ':' can collide with another job's keys
 * ("a:paused" is job a's pause flag). Both are refused.
 */
export function validateJobName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(`job name must be a non-empty string, got ${JSON.stringify(name) ?? String(name)}`);
  }
  if (name.length > 200) throw new InvalidArgumentError(`job name is longer than 200 characters: "${name.slice(0, 40)}…"`);
  if (/[:,\s]/.test(name) || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new InvalidArgumentError(
      `job name "${name}" may not contain ':', ',', whitespace or control characters (they break gocraft's key and heartbeat formats)`,
    );
  }
}

/** Args are a JSON object or null, as gocraft requires; arrays and scalars are refused. */
export function validateArgs(args: unknown, what: string): asserts args is Record<string, unknown> | null {
  if (args === null) return;
  if (typeof args !== 'object' || Array.isArray(args)) {
    const kind = Array.isArray(args) ? 'an array' : typeof args;
    throw new InvalidArgumentError(`${what} must be a plain object or null, got ${kind}`);
  }
}
