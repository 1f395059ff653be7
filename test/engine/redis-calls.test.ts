// Each Lua script's caller builds its keys and arguments as plain data, in
// the order the script's header documents, and reads its reply: checked here
// without Redis (the engine tests run the scripts themselves).
import { describe, expect, it } from 'vitest';
import { ackJobsCall, type AckFixedKeys, type NameKeys } from '../../src/engine/redis/calls/ack-jobs.js';
import { enqueueJobsCall, enqueueUniqueCall } from '../../src/engine/redis/calls/enqueue.js';
import { DRAW_STEP, fetchJobsCall, fetchKeys, nextDrawPosition } from '../../src/engine/redis/calls/fetch-jobs.js';
import { heartbeatCall } from '../../src/engine/redis/calls/heartbeat.js';
import { moveToQueuesCall } from '../../src/engine/redis/calls/move-to-queues.js';
import { periodicEnqueueCall } from '../../src/engine/redis/calls/periodic-enqueue.js';
import { deleteQueuedJobCall, findInListCall, purgeQueueCall } from '../../src/engine/redis/calls/queue-tools.js';
import { reapPoolCall, repairLocksCall } from '../../src/engine/redis/calls/reap-pool.js';
import { returnJobsCall } from '../../src/engine/redis/calls/return-jobs.js';
import { releaseUniqueCall, swapInProgressCall } from '../../src/engine/redis/calls/unique-markers.js';

const keysOf = (name: string): NameKeys => [`ip:${name}`, `lock:${name}`, `info:${name}`];
const FIXED: AckFixedKeys = ['retry', 'dead', 'processed', 'failed', 'rescues'];

describe('ack-jobs-var', () => {
  const bad = Buffer.from([0xff]);
  const batch = [
    { bytes: 'a1', name: 'a', outcome: { kind: 'ok' as const } },
    { bytes: 'b1', name: 'b', outcome: { kind: 'retry' as const, score: 100, bytes: 'b1+fail' } },
    { bytes: 'a2', name: 'a', outcome: { kind: 'ok' as const } },
    { bytes: 'a3', name: 'a', outcome: { kind: 'dead' as const, score: 200, bytes: 'a3+dead' } },
    { bytes: bad, name: 'b', outcome: { kind: 'discard' as const } },
  ];

  it('groups jobs by name, one argument per success and four per failure, keys once per name', () => {
    const call = ackJobsCall(batch, FIXED, keysOf, 'pool1');
    expect(call.script).toBe('ack-jobs-var');
    expect(call.keys).toEqual([...FIXED, 'ip:a', 'lock:a', 'info:a', 'ip:b', 'lock:b', 'info:b']);
    expect(call.args).toEqual([
      'pool1', '', '0', '0',
      'a', '2', '1', 'a1', 'a2', 'a3', 'dead', '200', 'a3+dead', '0',
      'b', '0', '2', 'b1', 'retry', '100', 'b1+fail', bad, 'discard', '', '', '0',
    ]);
    expect(call.parse(3)).toBe(3);
  });

  it('adds metric counts per name, a name without jobs in the batch included', () => {
    const counts = new Map([
      ['a', ['done:a', 3, 'run:2:a', 3]],
      ['c', ['done:c', 1]],
    ]);
    const call = ackJobsCall(batch, FIXED, keysOf, 'pool1', { config: { prefix: 'ns:metrics:', minuteTtlSeconds: 60, hourTtlSeconds: 3600 }, counts });
    expect(call.args.slice(0, 4)).toEqual(['pool1', 'ns:metrics:', '60', '3600']);
    expect(call.args.slice(4, 18)).toEqual(['a', '2', '1', 'a1', 'a2', 'a3', 'dead', '200', 'a3+dead', '2', 'done:a', '3', 'run:2:a', '3']);
    expect(call.keys.slice(-3)).toEqual(['ip:c', 'lock:c', 'info:c']);
    expect(call.args.slice(-6)).toEqual(['c', '0', '0', '1', 'done:c', '1']);
  });

  it('sends only the fixed keys and the pool id for an empty batch', () => {
    const call = ackJobsCall([], FIXED, keysOf, 'p');
    expect([call.keys, call.args]).toEqual([[...FIXED], ['p', '', '0', '0']]);
  });
});

describe('fetch-jobs-var', () => {
  const types = ['x', 'y'].map((n, i) => ({ queue: `q:${n}`, inProgress: `ip:${n}`, paused: `p:${n}`, lock: `l:${n}`, lockInfo: `li:${n}`, maxConcurrency: `mc:${n}`, priority: i + 1 }));

  it('sends the rescues hash, then six keys per type; pool, count, draw position, then priorities', () => {
    const keys = fetchKeys('rescues', types);
    expect(keys).toEqual(['rescues', 'q:x', 'ip:x', 'p:x', 'l:x', 'li:x', 'mc:x', 'q:y', 'ip:y', 'p:y', 'l:y', 'li:y', 'mc:y']);
    const call = fetchJobsCall(keys, ['1', '2'], 'pool', 7, 0.25);
    expect(call.args).toEqual(['pool', 7, '0.25', '1', '2']);
    expect(call.replyAs).toBe('buffers');
  });

  it('walks on by one golden-ratio step per job a call may take, staying in [0, 1)', () => {
    expect(nextDrawPosition(0, 1)).toBeCloseTo(DRAW_STEP, 15);
    expect(nextDrawPosition(0.5, 1)).toBeCloseTo(0.5 + DRAW_STEP - 1, 15);
    expect(nextDrawPosition(0.1, 3)).toBeCloseTo((0.1 + 3 * DRAW_STEP) % 1, 15);
    expect(nextDrawPosition(0.3, 0)).toBe(0.3);
    let p = 0.999;
    for (let i = 0; i < 10_000; i++) {
      p = nextDrawPosition(p, 1 + (i % 2000));
      expect(p >= 0 && p < 1).toBe(true);
    }
  });

  it('reads triples, 1-based types, bytes kept exact', () => {
    const call = fetchJobsCall([], [], 'p', 1, 0);
    const bad = Buffer.from([0x7b, 0xff]);
    expect(call.parse([2, Buffer.from('{"a":1}'), 0, 1, bad, 3])).toEqual([
      { type: 1, bytes: '{"a":1}', rescues: 0 },
      { type: 0, bytes: bad, rescues: 3 },
    ]);
  });
});

describe('the other scripts', () => {
  it('return-jobs-var: four keys per job, the bytes as arguments', () => {
    const call = returnJobsCall([{ bytes: 'j1', inProgress: 'ip', queue: 'q', lock: 'l', lockInfo: 'li' }], 'pool', 'wake');
    expect([call.keys, call.args]).toEqual([['ip', 'q', 'l', 'li'], ['pool', 'wake', 'j1']]);
  });

  it('enqueue-1 and enqueue-unique-2', () => {
    const plain = enqueueJobsCall('q', 'wake', 'email', ['j1', 'j2']);
    expect([plain.keys, plain.args]).toEqual([['q'], ['wake', 'email', 'j1', 'j2']]);
    const now = enqueueUniqueCall({ target: 'q', marker: 'm', bytes: 'j', byKey: false, ttlSeconds: 86400, wakeChannel: 'w', name: 'n' });
    expect([now.keys, now.args]).toEqual([['q', 'm'], ['j', '1', '', 86400, 'w', 'n']]);
    const later = enqueueUniqueCall({ target: 's', marker: 'm', bytes: 'j', byKey: true, runAt: 99, ttlSeconds: 5, wakeChannel: 'w', name: 'n' });
    expect(later.args).toEqual(['j', 'j', 99, 5, 'w', 'n']);
    expect([later.parse('ok'), later.parse('dup')]).toEqual([true, false]);
  });

  it('release-unique-var and swap-in-progress-1', () => {
    const release = releaseUniqueCall(['m1', 'm2', 'm3']);
    expect(release.keys).toEqual(['m1', 'm2', 'm3']);
    const bad = Buffer.from([0xfe]);
    expect(release.parse([Buffer.from('1'), Buffer.alloc(0), bad])).toEqual(['1', undefined, bad]);
    const swap = swapInProgressCall('ip', 'old', 'new');
    expect([swap.keys, swap.args, swap.parse(1), swap.parse(0)]).toEqual([['ip'], ['old', 'new'], true, false]);
  });

  it('reap-pool-var and repair-locks-var', () => {
    const reap = reapPoolCall({
      workerPools: 'wp',
      heartbeat: 'hb',
      rescues: 'r',
      names: [{ inProgress: 'ip', queue: 'q', lock: 'l', lockInfo: 'li' }],
      deadPoolId: 'dead',
      judgedBeat: '123',
      wakeChannel: 'w',
      rescuesTtlSeconds: 60,
    });
    expect([reap.keys, reap.args]).toEqual([['wp', 'hb', 'r', 'ip', 'q', 'l', 'li'], ['dead', '123', 'w', 60]]);
    const repair = repairLocksCall('wp', [{ lock: 'l1', lockInfo: 'li1' }]);
    expect(repair.keys).toEqual(['wp', 'l1', 'li1']);
    expect(repair.parse(['li1', 'ghost', 'li2', 'ghost2'])).toEqual([{ lockInfo: 'li1', poolId: 'ghost' }, { lockInfo: 'li2', poolId: 'ghost2' }]);
    expect(repair.parse(null)).toEqual([]);
  });

  it('heartbeat-2: gocraft field names, heartbeat_at left to Redis', () => {
    const call = heartbeatCall('wp', 'hb', 'p1', { startedAt: 5, jobNames: 'a,b', concurrency: 3, workerIds: 'w1', host: 'h', pid: 9 });
    expect(call.args).toEqual(['p1', 'started_at', 5, 'job_names', 'a,b', 'concurrency', 3, 'worker_ids', 'w1', 'host', 'h', 'pid', 9]);
    expect(call.args).not.toContain('heartbeat_at');
    expect(call.parse([1, 1700000000])).toEqual({ added: true, at: 1700000000 });
  });

  it('move-to-queues-var, periodic-enqueue-2, find-in-list-1, purge-queue-2', () => {
    const move = moveToQueuesCall('dead', 'known', 'w', [{ member: 'm', bytes: 'b', name: 'n', queue: 'q' }]);
    expect([move.keys, move.args]).toEqual([['dead', 'known', 'q'], ['w', 'm', 'b', 'n']]);
    const periodic = periodicEnqueueCall('s', 'last', 10, [{ score: 20, member: 'x' }]);
    expect([periodic.keys, periodic.args]).toEqual([['s', 'last'], [10, 20, 'x']]);
    const find = findInListCall('q', 100, 50, 'abc');
    expect(find.args).toEqual([100, 50, 'abc']);
    expect(find.parse([7, 103, Buffer.from('x abc')])).toEqual({ length: 7, matches: [{ index: 103, value: 'x abc' }] });
    expect(purgeQueueCall('q', 'tmp').keys).toEqual(['q', 'tmp']);
  });

  it('delete-queued-job-var: the queue, then the marker only for a unique job; the exact bytes as the one argument', () => {
    const bytes = Buffer.from([0x7b, 0xff]);
    const plain = deleteQueuedJobCall('q', bytes);
    expect([plain.script, plain.keys, plain.args]).toEqual(['delete-queued-job-var', ['q'], [bytes]]);
    expect(plain.args[0]).toBe(bytes);
    expect(deleteQueuedJobCall('q', 'm', 'unique:q:x').keys).toEqual(['q', 'unique:q:x']);
    expect(plain.parse([1, 0])).toEqual({ deleted: true, markerReleased: false });
    expect(plain.parse([0, 0])).toEqual({ deleted: false, markerReleased: false });
  });
});
