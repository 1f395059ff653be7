// Reads the gocraft golden data in test/fixtures/gocraft and loads snapshots into
// a fresh namespace of the test Redis (the fixtures' own prefix is rewritten,
// including inside unique_key values, so tests never share keys).
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export const VERSIONS = ['master', 'v0.5.1'] as const;
export type GoVersion = (typeof VERSIONS)[number];
export const SCENARIOS = [
  'enqueue',
  'enqueue_in',
  'unique',
  'retry_and_dead',
  'busy_pool',
  'periodic',
  'crashed_pool',
  'empty_namespace',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type SnapshotEntry =
  | { key: string; type: 'string'; ttl: number; value: string }
  | { key: string; type: 'list'; ttl: number; value: string[] }
  | { key: string; type: 'set'; ttl: number; value: string[] }
  | { key: string; type: 'zset'; ttl: number; value: Array<[string, number]> }
  | { key: string; type: 'hash'; ttl: number; value: Record<string, string> };

export interface ManifestScenario {
  namespace: string;
  snapshot_at: number;
  client_at: number;
  client_calls: string[];
}

const root = new URL('../fixtures/gocraft/', import.meta.url);

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, root), 'utf8')) as T;
}

export function manifest(version: GoVersion, scenario: Scenario): ManifestScenario {
  const all = readJson<{ scenarios: Record<GoVersion, Record<Scenario, ManifestScenario>> }>('manifest.json');
  return all.scenarios[version][scenario];
}

export function snapshot(version: GoVersion, scenario: Scenario): SnapshotEntry[] {
  return readJson<SnapshotEntry[]>(`${version}/${scenario}.json`);
}

export function clientResults(version: GoVersion, scenario: Scenario): Record<string, unknown> {
  return readJson<Record<string, unknown>>(`${version}/${scenario}.client.json`);
}

/** Replace the fixture's prefix with ours in a key or a value. */
export function rewritePrefix(text: string, fromPrefix: string, toPrefix: string): string {
  if (fromPrefix === '') return text;
  return text.split(fromPrefix).join(toPrefix);
}

/**
 * Load a snapshot under `toPrefix`. For the empty-namespace scenario the keys
 * have no prefix at all; callers that want a literal load pass toPrefix ''
 * (only safe on a database the test owns).
 */
export async function loadSnapshot(
  redis: Redis,
  version: GoVersion,
  scenario: Scenario,
  toPrefix: string,
): Promise<SnapshotEntry[]> {
  const from = manifest(version, scenario).namespace;
  const fromPrefix = from === '' ? '' : `${from}:`;
  const entries = snapshot(version, scenario).map((entry) => rewriteEntry(entry, fromPrefix, toPrefix));
  const pipe = redis.multi();
  for (const entry of entries) {
    switch (entry.type) {
      case 'string':
        pipe.set(entry.key, entry.value);
        break;
      case 'list':
        pipe.rpush(entry.key, ...entry.value);
        break;
      case 'set':
        pipe.sadd(entry.key, ...entry.value);
        break;
      case 'zset':
        for (const [member, score] of entry.value) pipe.zadd(entry.key, score, member);
        break;
      case 'hash':
        pipe.hset(entry.key, entry.value);
        break;
    }
    if (entry.ttl > 0) pipe.expire(entry.key, entry.ttl);
  }
  await pipe.exec();
  return entries;
}

function rewriteEntry(entry: SnapshotEntry, from: string, to: string): SnapshotEntry {
  if (from === '') {
    return { ...entry, key: to + entry.key } as SnapshotEntry;
  }
  const r = (s: string) => rewritePrefix(s, from, to);
  const key = r(entry.key);
  switch (entry.type) {
    case 'string':
      return { ...entry, key, value: r(entry.value) };
    case 'list':
    case 'set':
      return { ...entry, key, value: entry.value.map(r) };
    case 'zset':
      return { ...entry, key, value: entry.value.map(([m, s]) => [r(m), s] as [string, number]) };
    case 'hash':
      return { ...entry, key, value: Object.fromEntries(Object.entries(entry.value).map(([k, v]) => [k, r(v)])) };
  }
}
