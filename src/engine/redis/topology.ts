// Which kind of Redis a URL names: one server, a Redis Cluster, or a server
// found through Sentinel. Pure: parsing only, so every form is tested without
// a server.
//
//   redis://[user:password@]host:port[/db]          one server (ioredis' own URL)
//   rediss://…                                       the same over TLS
//   redis+cluster://[user:password@]h1:p1,h2:p2     a cluster, from seed nodes
//   redis+sentinel://[user:password@]h1:p1,h2:p2/NAME[?sentinelPassword=…]
//                                                    the master NAME, asked of these sentinels
// (rediss+cluster:// and rediss+sentinel:// use TLS to the servers.)

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; nodes: HostPort[]; tls: boolean; username?: string; password?: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; tls: boolean; username?: string; password?: string; sentinelPassword?: string };

const MULTI_HOST = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/;

export class RedisTargetError extends Error {
  override name = 'RedisTargetError';
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function hostPorts(list: string, defaultPort: number): HostPort[] {
  return list.split(',').map((item) => {
    const entry = item.trim();
    // [::1]:7000, host:7000, host
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const plain = /^([^:]+)(?::(\d+))?$/.exec(entry);
    const match = bracket ?? plain;
    if (!match || !match[1]) throw new RedisTargetError(`"${entry}" is not host or host:port`);
    const port = match[2] === undefined ? defaultPort : Number(match[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RedisTargetError(`"${entry}" has no valid port`);
    return { host: match[1], port };
  });
}

/** What the URL names; a plain redis:// or rediss:// URL is passed through for ioredis to read. */
export function parseRedisTarget(url: string): RedisTarget {
  if (!/^rediss?\+/.test(url)) return { kind: 'server', url };
  const match = MULTI_HOST.exec(url);
  if (!match) throw new RedisTargetError('expected redis+cluster://host:port,host:port or redis+sentinel://host:port,host:port/NAME');
  const [, scheme, kind, userinfo, hosts, path, query] = match;
  const tls = scheme === 'rediss';
  const credentials: { username?: string; password?: string } = {};
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
    const password = colon < 0 ? undefined : decode(userinfo.slice(colon + 1));
    if (password !== undefined) credentials.password = password;
    if (user) credentials.username = user;
  }
  const params = new URLSearchParams(query ?? '');
  const queryPassword = params.get('password');
  if (queryPassword !== null && credentials.password === undefined) credentials.password = queryPassword;
  if (kind === 'cluster') {
    return { kind: 'cluster', nodes: hostPorts(hosts!, 6379), tls, ...credentials };
  }
  const name = decode((path ?? '').replace(/^\//, ''));
  if (!name) throw new RedisTargetError('a redis+sentinel:// URL names the master after the hosts: redis+sentinel://h1:26379,h2:26379/mymaster');
  const sentinelPassword = params.get('sentinelPassword') ?? undefined;
  return { kind: 'sentinel', sentinels: hostPorts(hosts!, 26379), name, tls, ...credentials, ...(sentinelPassword ? { sentinelPassword } : {}) };
}
