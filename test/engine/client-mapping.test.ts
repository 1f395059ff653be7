// The Client's pure parts: reply mapping, latency, paging and id patterns,
// and the sweep cursor, without Redis.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/engine/errors.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import {
  entriesFromWithScores,
  globEscape,
  heartbeatFromHash,
  idMatchPattern,
  jobEntryFromMember,
  observationFromHash,
  pageOffset,
  parseGoInt,
  queueInfo,
  queueLatency,
  serverInfoFromText,
  sortNames,
  splitList,
} from '../../src/engine/client/mapping.js';
import { isNamed, nameOfMember } from '../../src/engine/codec/job-peek.js';
import { checkBatchSize, SweepCursor, type ScoredMember } from '../../src/engine/client/sweep.js';

const job = (fields: Partial<Parameters<typeof encodeJob>[0]> = {}): string =>
  encodeJob({ name: 'email', id: 'a1', enqueuedAt: 100, args: { n: 1 }, unique: false, fails: 0, ...fields });

describe('paging and numbers', () => {
  it('turns 1-based pages into offsets of 20, page 0 and nonsense meaning page 1', () => {
    expect([1, 2, 3, 0, -4, 2.9, Number.NaN].map(pageOffset)).toEqual([0, 20, 40, 0, 0, 20, 0]);
  });

  it('parses integers the way Go strconv.ParseInt does', () => {
    expect(parseGoInt('1795408224')).toBe(1795408224);
    expect(parseGoInt('+5')).toBe(5);
    expect(parseGoInt('-7')).toBe(-7);
    expect(Object.is(parseGoInt('-0'), 0)).toBe(true);
    for (const bad of [undefined, '', ' 1', '1 ', '1.5', '1e3', '0x10', 'abc', '99999999999999999999']) {
      expect(parseGoInt(bad)).toBeUndefined();
    }
  });

  it('sorts names by UTF-8 bytes, as Go does', () => {
    expect(sortNames(['b', 'a', 'B', '\uffff', '😀'])).toEqual(['B', 'a', 'b', '\uffff', '😀']);
  });

  it('splits comma-joined heartbeat lists, sorted, without empty parts', () => {
    expect(splitList('c,a,b')).toEqual(['a', 'b', 'c']);
    expect(splitList('a,,b,')).toEqual(['a', 'b']);
    expect(splitList('')).toEqual([]);
    expect(splitList(undefined)).toEqual([]);
  });
});

describe('heartbeats and observations', () => {
  const hash = {
    heartbeat_at: '1795408224',
    started_at: '1795408200',
    job_names: 'b_job,a_job',
    concurrency: '3',
    worker_ids: 'w2,w1',
    host: 'box',
    pid: '4242',
  };

  it('maps a heartbeat hash', () => {
    expect(heartbeatFromHash('p1', hash)).toEqual({
      poolId: 'p1',
      startedAt: 1795408200,
      heartbeatAt: 1795408224,
      jobNames: ['a_job', 'b_job'],
      concurrency: 3,
      host: 'box',
      pid: 4242,
      workerIds: ['w1', 'w2'],
    });
  });

  it('lists a pool whose hash is missing, with zeros, and says so', () => {
    expect(heartbeatFromHash('gone', {})).toEqual({
      poolId: 'gone',
      startedAt: 0,
      heartbeatAt: 0,
      jobNames: [],
      concurrency: 0,
      host: '',
      pid: 0,
      workerIds: [],
      invalid: 'heartbeat hash is missing',
    });
  });

  it('reads an unparsable number as 0 and names the first bad field', () => {
    const bad = heartbeatFromHash('p1', { ...hash, pid: 'x1', heartbeat_at: '1.5' });
    expect(bad).toMatchObject({ pid: 0, heartbeatAt: 0, startedAt: 1795408200, invalid: 'unparsable heartbeat_at "1.5"' });
    // Go parses concurrency as unsigned.
    expect(heartbeatFromHash('p1', { ...hash, concurrency: '-1' })).toMatchObject({ concurrency: 0, invalid: expect.stringContaining('concurrency') });
    expect(heartbeatFromHash('p1', { ...hash, concurrency: '+1' }).invalid).toContain('concurrency');
  });

  it('maps observations: busy when the hash has any field', () => {
    expect(observationFromHash('w1', 'p1', {})).toEqual({
      workerId: 'w1',
      poolId: 'p1',
      isBusy: false,
      jobName: '',
      jobId: '',
      startedAt: 0,
      argsJson: '',
      checkin: '',
      checkinAt: 0,
    });
    expect(
      observationFromHash('w1', 'p1', { job_name: 'e', job_id: 'j', started_at: '5', args: '{"a":1}', checkin: 'c', checkin_at: '6' }),
    ).toEqual({ workerId: 'w1', poolId: 'p1', isBusy: true, jobName: 'e', jobId: 'j', startedAt: 5, argsJson: '{"a":1}', checkin: 'c', checkinAt: 6 });
    expect(observationFromHash('w1', 'p1', { job_name: 'e', started_at: 'soon' })).toMatchObject({
      isBusy: true,
      startedAt: 0,
      invalid: 'unparsable started_at "soon"',
    });
  });
});

describe('job entries', () => {
  it('decodes a member and keeps its score and exact bytes', () => {
    const raw = job({ fails: 2, lastError: 'boom', failedAt: 150 });
    expect(jobEntryFromMember(raw, '160')).toEqual({
      name: 'email',
      id: 'a1',
      enqueuedAt: 100,
      args: { n: 1 },
      unique: false,
      fails: 2,
      lastError: 'boom',
      failedAt: 150,
      score: 160,
      raw,
    });
  });

  it('returns an undecodable member flagged instead of throwing', () => {
    for (const raw of ['not json', '[1]', '{"name":"x","t":1.5}', '{"args":[1]}', '']) {
      const entry = jobEntryFromMember(raw, 7);
      expect(entry).toMatchObject({ raw, score: 7, name: '', id: '', args: null });
      expect(entry.invalid).toMatch(/invalid job/);
    }
  });

  it('pairs WITHSCORES replies', () => {
    const a = job({ id: 'a' });
    expect(entriesFromWithScores([a, '1', 'junk', '2']).map((e) => [e.id, e.score, e.invalid === undefined])).toEqual([
      ['a', 1, true],
      ['', 2, false],
    ]);
  });

  it('finds names only in members that decode', () => {
    expect(nameOfMember(job())).toBe('email');
    expect(nameOfMember('{"id":"x","t":1,"args":null}')).toBeUndefined();
    expect(nameOfMember('{')).toBeUndefined();
    expect(isNamed(job(), 'email')).toBe(true);
    expect(isNamed(job(), 'sms')).toBe(false);
    expect(isNamed(job({ args: { note: 'email' }, name: 'sms' }), 'email')).toBe(false);
    // Escapes, other key cases and duplicate keys are read as Go reads them.
    expect(isNamed('{"name":"\\u0073ms","id":"x","t":1,"args":null}', 'sms')).toBe(true);
    expect(isNamed('{"NAME":"sms","id":"x","t":1,"args":null}', 'sms')).toBe(true);
    expect(isNamed('{"name":"email","name":"sms","id":"x","t":1,"args":null}', 'sms')).toBe(true);
    expect(isNamed('{"name":"sms","name":null,"t":1}', 'sms')).toBe(true);
    // Named, but not a job moveMembersToQueues could move.
    expect(isNamed('{"name":"sms","t":1.5}', 'sms')).toBe(false);
    expect(isNamed('{"name":5}', '5')).toBe(false);
    expect(isNamed('{"name":"sms"', 'sms')).toBe(false);
  });
});

describe('queue latency', () => {
  it('is now minus the oldest job\'s t, 0 for an empty queue and never negative', () => {
    expect(queueLatency(null, 1000)).toEqual({ latency: 0, invalidOldest: false });
    expect(queueLatency(job({ enqueuedAt: 990 }), 1000)).toEqual({ latency: 10, invalidOldest: false });
    expect(queueLatency(job({ enqueuedAt: 1005 }), 1000)).toEqual({ latency: 0, invalidOldest: false });
  });

  it('flags an undecodable oldest job instead of crashing (gocraft 16.1.10)', () => {
    expect(queueLatency('{"name":', 1000)).toEqual({ latency: 0, invalidOldest: true });
  });

  it('builds a queue row, reading a missing or odd lock and cap as 0', () => {
    const base = { length: 2, oldest: job({ enqueuedAt: 95 }), pausedExists: 1, lock: '-1', maxConcurrency: 'x' };
    expect(queueInfo('email', base, 100)).toEqual({
      jobName: 'email',
      count: 2,
      latency: 5,
      paused: true,
      running: -1,
      maxConcurrency: 0,
      priority: 0,
      invalidOldest: false,
    });
    expect(queueInfo('email', { length: 0, oldest: null, pausedExists: 0, lock: null, maxConcurrency: '3' }, 100)).toMatchObject({
      count: 0,
      latency: 0,
      paused: false,
      running: 0,
      maxConcurrency: 3,
    });
  });
});

describe('server info', () => {
  it('reads version, memory and clients from an INFO reply', () => {
    const text = '# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n# Clients\r\nconnected_clients:3\r\n# Memory\r\nused_memory:1100000\r\nused_memory_human:1.05M\r\n';
    expect(serverInfoFromText(text)).toEqual({ version: '7.0.15', usedMemory: '1.05M', connectedClients: 3 });
    expect(serverInfoFromText('')).toEqual({ version: '', usedMemory: '', connectedClients: 0 });
  });
});

describe('id patterns for ZSCAN MATCH', () => {
  it('escapes glob characters', () => {
    expect(globEscape('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
  });

  it('matches the quoted id when every encoder writes it literally', () => {
    expect(idMatchPattern('7086d66b5c73db9cf1bbdcf2')).toBe('*"7086d66b5c73db9cf1bbdcf2"*');
    expect(idMatchPattern('a*b [x]?')).toBe('*"a\\*b \\[x\\]\\?"*');
    expect(idMatchPattern('héllo ✓ 😀')).toBe('*"héllo ✓ 😀"*');
  });

  it('falls back to the longest literal run when encoders differ, or to everything', () => {
    // Periodic ids hold '/', which cjson writes as "\/".
    expect(idMatchPattern('periodic:pj_2min:*/2 * * * *:1795408320')).toBe('*2 \\* \\* \\* \\*:1795408320*');
    expect(idMatchPattern('a/b')).toBe('*');
    expect(idMatchPattern('x<y>zzzzz')).toBe('*zzzzz*');
    expect(idMatchPattern('a\u2028bbbbbb')).toBe('*bbbbbb*');
  });
});

describe('SweepCursor', () => {
  const m = (member: string, score: string): ScoredMember => ({ member, score });

  it('starts at the top and reads a plain batch', () => {
    const c = new SweepCursor();
    expect(c.nextRead(3)).toEqual({ min: '-inf', offset: 0, count: 3 });
    expect(c.unseen([m('a', '1')])).toEqual([m('a', '1')]);
  });

  it('skips members that stayed at the last score, checking the last one is still in place', () => {
    const c = new SweepCursor();
    c.advance([m('a', '1'), m('b', '2'), m('c', '2'), m('d', '2')], [false, true, false, true]);
    // b and d stayed at score 2: the next batch starts after d.
    expect(c.nextRead(3)).toEqual({ min: '2', offset: 1, count: 4 });
    expect(c.unseen([m('d', '2'), m('e', '2'), m('f', '3')])).toEqual([m('e', '2'), m('f', '3')]);
    expect(c.unseen([m('e', '2'), m('f', '3')])).toBeUndefined(); // d vanished: restart
  });

  it('forgets members that stayed at lower scores, and taken ones at the new score', () => {
    const c = new SweepCursor();
    c.advance([m('a', '1'), m('b', '2')], [true, false]);
    expect(c.nextRead(2)).toEqual({ min: '2', offset: 0, count: 2 });
    c.advance([m('c', '2'), m('d', '5')], [true, true]);
    expect(c.nextRead(2)).toEqual({ min: '5', offset: 0, count: 3 });
    c.reset();
    expect(c.nextRead(2)).toEqual({ min: '-inf', offset: 0, count: 2 });
  });

  it('accepts batch sizes from 1 to 10000, 1000 by default', () => {
    expect(checkBatchSize(undefined)).toBe(1000);
    expect(checkBatchSize(1)).toBe(1);
    for (const bad of [0, -1, 1.5, 10_001, Number.NaN]) expect(() => checkBatchSize(bad)).toThrow(InvalidArgumentError);
  });
});
