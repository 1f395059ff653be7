// The checks of `work doctor`: what a deployment needs from its Redis and its
// hosts, judged from facts the Client gathers. Pure: every rule is tested
// with plain data, and the facts come from one place (Client.doctorFacts).
import { compareUtf8 } from '../codec/go-json.js';

export type FindingLevel = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  level: FindingLevel;
  /** What was found. */
  detail: string;
  /** What to do about it; absent when nothing is to be done. */
  fix?: string;
}

export interface DoctorFacts {
  /** Redis INFO fields (server, memory, persistence, replication). */
  info: ReadonlyMap<string, string>;
  /** Redis TIME, in ms, and this host's clock when it was read. */
  redisNowMs: number;
  localNowMs: number;
  /** Commands probed as this connection's user: name -> the error Redis gave, or undefined when allowed. */
  probes: ReadonlyMap<string, string | undefined>;
  pools: ReadonlyArray<{ poolId: string; host: string; heartbeatAt: number; invalid?: string }>;
  /** Per job name: the lock count and the sum of lock_info shares. */
  locks: ReadonlyArray<{ jobName: string; lock: number; shares: number }>;
  /** Heartbeat age (s) past which pools are reaped; gocraft's default pools use 15. */
  deadAfterSeconds: number;
}

/** Clocks further apart than this break latency figures and the heartbeat rule. */
const SKEW_WARN_SECONDS = 2;

export function diagnose(facts: DoctorFacts): Finding[] {
  return [
    redisVersion(facts),
    memoryPolicy(facts),
    persistence(facts),
    permissions(facts),
    hostClock(facts),
    ...poolClocks(facts),
    ...lockDrift(facts),
  ];
}

function redisVersion({ info }: DoctorFacts): Finding {
  const version = info.get('redis_version') ?? '';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const check = 'Redis version';
  if (!version) return { check, level: 'warn', detail: 'INFO did not report redis_version', fix: 'check that the server speaks the Redis protocol and INFO is allowed' };
  if (major < 6 || (major === 6 && minor < 2)) {
    return { check, level: 'fail', detail: `Redis ${version}`, fix: 'upgrade to Redis 6.2 or later (7 or later recommended)' };
  }
  if (major < 7) {
    return {
      check,
      level: 'warn',
      detail: `Redis ${version}: pools stop taking jobs when Redis is out of memory`,
      fix: 'Redis 7 lets pools keep moving the jobs they hold when memory is full (scripts flagged allow-oom)',
    };
  }
  return { check, level: 'ok', detail: `Redis ${version}` };
}

function memoryPolicy({ info }: DoctorFacts): Finding {
  const check = 'memory policy';
  const max = Number(info.get('maxmemory') ?? '0');
  const policy = info.get('maxmemory_policy') ?? '';
  if (max === 0) return { check, level: 'ok', detail: `no maxmemory set (policy ${policy || 'unknown'} is not used)` };
  if (policy !== 'noeviction') {
    return {
      check,
      level: 'fail',
      detail: `maxmemory ${info.get('maxmemory_human') ?? max} with maxmemory-policy ${policy}: Redis evicts keys, and queued jobs with them`,
      fix: 'CONFIG SET maxmemory-policy noeviction (and in redis.conf): enqueues then fail loudly instead of jobs vanishing',
    };
  }
  return { check, level: 'ok', detail: `maxmemory ${info.get('maxmemory_human') ?? max}, noeviction` };
}

function persistence({ info }: DoctorFacts): Finding {
  const check = 'persistence';
  const aof = info.get('aof_enabled') === '1';
  const saves = Number(info.get('rdb_saves') ?? '0');
  const lastSave = info.get('rdb_last_bgsave_status');
  if (aof) return { check, level: 'ok', detail: 'append-only file on' };
  return {
    check,
    level: 'warn',
    detail: `append-only file off${saves > 0 ? ` (RDB snapshots: ${saves}, last ${lastSave ?? 'unknown'})` : ''}: a Redis restart loses every job written since the last snapshot`,
    fix: 'CONFIG SET appendonly yes with appendfsync everysec (or always), unless losing queued jobs on a restart is acceptable',
  };
}

function permissions({ probes }: DoctorFacts): Finding {
  const check = 'ACL rights';
  const denied = [...probes].filter(([, error]) => error !== undefined);
  if (denied.length === 0) return { check, level: 'ok', detail: `allowed: ${[...probes.keys()].join(', ')}` };
  return {
    check,
    level: 'fail',
    detail: `denied: ${denied.map(([name, error]) => `${name} (${error})`).join('; ')}`,
    fix: 'grant the rule in the README ("Redis access control") to this user',
  };
}

function hostClock({ redisNowMs, localNowMs }: DoctorFacts): Finding {
  const check = 'this host\'s clock';
  const skew = (localNowMs - redisNowMs) / 1000;
  const detail = `${Math.abs(skew).toFixed(1)} s ${skew >= 0 ? 'ahead of' : 'behind'} Redis`;
  if (Math.abs(skew) > SKEW_WARN_SECONDS) return { check, level: 'warn', detail, fix: 'run NTP (chrony, systemd-timesyncd) on this host and the Redis host' };
  return { check, level: 'ok', detail };
}

function poolClocks({ pools, redisNowMs, deadAfterSeconds }: DoctorFacts): Finding[] {
  const now = redisNowMs / 1000;
  const out: Finding[] = [];
  const sorted = [...pools].sort((a, b) => compareUtf8(a.poolId, b.poolId));
  for (const pool of sorted) {
    const check = `pool ${pool.poolId}`;
    const where = pool.host ? ` on ${pool.host}` : '';
    if (pool.invalid !== undefined) {
      out.push({ check, level: 'warn', detail: `heartbeat unreadable${where}: ${pool.invalid}`, fix: 'a live pool rewrites it within a heartbeat; otherwise work reapers remove it' });
      continue;
    }
    const age = now - pool.heartbeatAt;
    if (age < -SKEW_WARN_SECONDS) {
      out.push({ check, level: 'warn', detail: `heartbeat ${(-age).toFixed(0)} s in the future${where}: that host's clock runs ahead`, fix: 'run NTP on that host' });
    } else if (age > deadAfterSeconds) {
      out.push({
        check,
        level: 'warn',
        detail: `stale${where}: last heartbeat ${age.toFixed(0)} s ago, and no reaper has removed it`,
        fix: 'start any work pool on this namespace: its reaper rescues the stale pool\'s jobs and removes it',
      });
    }
  }
  if (out.length === 0) out.push({ check: 'pools', level: 'ok', detail: `${pools.length} pool(s), heartbeats fresh` });
  return out;
}

function lockDrift({ locks }: DoctorFacts): Finding[] {
  const drifted = locks.filter((l) => l.lock !== l.shares);
  if (drifted.length === 0) return [{ check: 'lock counts', level: 'ok', detail: `${locks.length} queue(s), each lock equals its pools' shares` }];
  return drifted.map((l) => ({
    check: `lock count of ${l.jobName}`,
    level: l.lock > l.shares ? 'fail' : 'warn',
    detail: `lock ${l.lock}, but its pools hold ${l.shares}${l.lock > l.shares ? ': a capped queue runs fewer jobs than it may, or none' : ''}`,
    fix: 'a running work pool repairs it on its next reaper pass (every few seconds); gocraft pools never do',
  }));
}
