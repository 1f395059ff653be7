import { describe, expect, it } from 'vitest';
import { hashTag } from '../../src/engine/redis/connection.js';
import { parseRedisTarget } from '../../src/engine/redis/topology.js';

describe('parseRedisTarget', () => {
  it('passes plain redis:// and rediss:// URLs through', () => {
    expect(parseRedisTarget('redis://u:p@h:1/2')).toEqual({ kind: 'server', url: 'redis://u:p@h:1/2' });
  });

  it('reads a cluster of seed nodes, with credentials and TLS', () => {
    expect(parseRedisTarget('redis+cluster://127.0.0.1:7000,127.0.0.1:7001,[::1]:7002')).toEqual({
      kind: 'cluster',
      tls: false,
      nodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(parseRedisTarget('rediss+cluster://work:s%40cret@a:1,b')).toEqual({
      kind: 'cluster',
      tls: true,
      username: 'work',
      password: 's@cret',
      nodes: [
        { host: 'a', port: 1 },
        { host: 'b', port: 6379 },
      ],
    });
  });

  it('reads sentinels and the master name, and a sentinel password', () => {
    expect(parseRedisTarget('redis+sentinel://:pw@s1:26379,s2/mymaster?sentinelPassword=sp')).toEqual({
      kind: 'sentinel',
      tls: false,
      password: 'pw',
      name: 'mymaster',
      sentinelPassword: 'sp',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
    });
  });

  it.each([
    ['redis+cluster://', /expected redis\+cluster/],
    ['redis+cluster://a:99999', /no valid port/],
    ['redis+sentinel://s1:26379', /names the master/],
    ['redis+cluster://a:1,:2', /not host or host:port/],
  ])('refuses %j', (url, message) => {
    expect(() => parseRedisTarget(url)).toThrow(message);
  });
});

describe('hashTag', () => {
  it.each([
    ['{work}:', 'work'],
    ['app:{tenant-7}:', 'tenant-7'],
    ['work:', undefined],
    ['{}work:', undefined],
    ['{work', undefined],
  ])('%j -> %j', (key, tag) => expect(hashTag(key)).toBe(tag));
});
