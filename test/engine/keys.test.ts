import { describe, expect, it } from 'vitest';
import * as keys from '../../src/engine/codec/keys.js';
import { snapshot, VERSIONS } from '../support/fixtures.js';

describe('namespacePrefix', () => {
  it.each([
    ['work', 'work:'],
    ['work:', 'work:'],
    ['{app}', '{app}:'],
    ['', ''],
    ['a::', 'a::'],
  ])('%j -> %j', (namespace, prefix) => {
    expect(keys.namespacePrefix(namespace)).toBe(prefix);
  });
});

describe('key layout matches what gocraft wrote', () => {
  const p = 'fx:';
  it.each(VERSIONS)('%s busy_pool keys are all produced by keys.ts', (version) => {
    const written = snapshot(version, 'busy_pool').map((e) => e.key);
    const poolId = written.find((k) => k.startsWith('fx:worker_pools:'))!.slice('fx:worker_pools:'.length);
    const workers = written.filter((k) => k.startsWith('fx:worker:')).map((k) => k.slice('fx:worker:'.length));
    const ours = new Set<string>([
      keys.knownJobsKey(p),
      keys.lastPeriodicEnqueueKey(p),
      keys.workerPoolsKey(p),
      keys.heartbeatKey(p, poolId),
      ...workers.map((w) => keys.observationKey(p, w)),
    ]);
    for (const job of ['bp_free', 'bp_limited', 'bp_paused']) {
      ours.add(keys.queueKey(p, job));
      ours.add(keys.inProgressKey(p, job, poolId));
      ours.add(keys.lockKey(p, job));
      ours.add(keys.lockInfoKey(p, job));
      ours.add(keys.maxConcurrencyKey(p, job));
      ours.add(keys.pausedKey(p, job));
    }
    for (const key of written) expect(ours, key).toContain(key);
  });

  it('names the zsets and unique markers as gocraft does', () => {
    expect([keys.scheduledKey(p), keys.retryKey(p), keys.deadKey(p)]).toEqual(['fx:scheduled', 'fx:retry', 'fx:dead']);
    expect(keys.uniqueKey(p, 'uniq_nil', '')).toBe('fx:unique:uniq_nil:');
    expect(keys.uniqueKey(p, 'uniq_empty', '{}\n')).toBe('fx:unique:uniq_empty:{}\n');
    expect(keys.uniqueKey('', 'emptyns', '{}\n')).toBe('unique:emptyns:{}\n');
  });

  it('parses in-progress keys back into job name and pool id', () => {
    const key = keys.inProgressKey('{x}:', 'send_email', 'abc123');
    expect(keys.parseInProgressKey('{x}:', key)).toEqual({ jobName: 'send_email', poolId: 'abc123' });
    expect(keys.parseInProgressKey('{x}:', '{x}:jobs:send_email')).toBeUndefined();
  });
});

describe('isUniqueKeyOf', () => {
  const p = 'ns:';
  it.each([
    ['ns:unique:q:', true], // a nil key map
    ['ns:unique:q:{"a":1}\n', true],
    ['ns:unique:q:{}\n', true],
    ['ns:unique:q:{"a":1}', false], // Go's stream encoding always ends in a newline
    ['ns:unique:q:x:{"a":1}\n', false], // a marker of job "q:x"
    ['ns:unique:qq:{"a":1}\n', false],
    ['ns:jobs:q:max_concurrency', false],
    ['other:unique:q:{"a":1}\n', false],
    ['another-app:config', false],
  ])('%j -> %s', (key, expected) => {
    expect(keys.isUniqueKeyOf(p, 'q', key)).toBe(expected);
  });
});
