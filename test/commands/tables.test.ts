// The CLI's tables on hostile data: they fit the terminal (80 columns when
// not a terminal), nothing from Redis reaches it raw, and --json stays exact.
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { renderColumns, renderTable, terminalWidth, type ColumnSpec } from '../../src/commands/output.js';
import { textWidth } from '../../src/support/fit.js';
import { runCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';

const HOSTILE = 'boom \x1b]0;owned\x07\x1b[2J\x1b]52;c;aGVsbG8=\x07\u009b2J\u202eevil';
const WIDE = '日本語のとても長いキューの名前-🚀-emails-and-more-end';
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

let t: TestRedis;

beforeEach(async () => {
  t = await testRedis('tables');
  const now = Math.floor(Date.now() / 1000);
  const pipe = t.redis.pipeline();
  for (const [i, name] of ['send_email', WIDE, `x\x1b]0;name\x07y`].entries()) {
    pipe.zadd(keys.deadKey(t.prefix), now - 10 + i, encodeJob({ name, id: `dead${i}`.padEnd(24, '0'), enqueuedAt: now - 60, args: { note: HOSTILE, big: 'a'.repeat(3000) }, unique: false, fails: 4, lastError: i === 1 ? 'E'.repeat(5000) : HOSTILE, failedAt: now - 10 }));
    pipe.lpush(keys.queueKey(t.prefix, name), encodeJob({ name, id: `q${i}`.padEnd(24, '0'), enqueuedAt: now - 30, args: {}, unique: false, fails: 0 }));
    pipe.sadd(keys.knownJobsKey(t.prefix), name);
  }
  pipe.sadd(keys.workerPoolsKey(t.prefix), 'pool\x1b[31m1');
  pipe.hset(keys.heartbeatKey(t.prefix, 'pool\x1b[31m1'), { heartbeat_at: now, started_at: now - 50, job_names: `send_email,${WIDE}`, concurrency: 2, worker_ids: 'w1', host: 'host\x07', pid: 42 });
  pipe.hset(keys.observationKey(t.prefix, 'w1'), { job_name: WIDE, job_id: 'job-77', started_at: now - 5, args: `{"n":"${'z'.repeat(500)}"}`, checkin: HOSTILE, checkin_at: now - 1 });
  await pipe.exec();
});

afterEach(() => t.cleanup());

const cli = (...args: string[]) => runCli([...args, '--redis', redisUrl(), '-n', t.namespace]);

describe('CLI tables', () => {
  it.each([['dead'], ['queues'], ['pools'], ['workers']])('work %s fits 80 columns and shows escapes, never raw controls', async (command) => {
    const { code, stdout, stderr } = await cli(command);
    expect(code, stderr).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    // A box: every line the same width, and no wider than 80.
    const widths = new Set(lines.map(textWidth));
    expect(widths.size, stdout).toBe(1);
    expect([...widths][0]).toBeLessThanOrEqual(80);
  });

  it('work dead names the jobs and shows the start of a hostile error escaped', async () => {
    const { stdout } = await cli('dead');
    expect(stdout).toContain('dead00000000000000000000');
    expect(stdout).toContain('boom \\x1b]0;owned');
    expect(stdout).toContain('x\\x1b]0;name\\x07y');
    expect(stdout).toMatch(/日本語.*…/);
    // The 5,000-character error is one line of the table.
    expect(stdout.split('\n').filter((l) => l.includes('EEEE'))).toHaveLength(1);
  });

  it('--json keeps every value exactly', async () => {
    const dead = JSON.parse((await cli('dead', '--json')).stdout) as { jobs: Array<{ name: string; lastError: string; args: { note: string } }> };
    expect(dead.jobs.map((j) => j.name)).toEqual(['send_email', WIDE, 'x\x1b]0;name\x07y']);
    expect(dead.jobs[0]!.lastError).toBe(HOSTILE);
    expect(dead.jobs[0]!.args.note).toBe(HOSTILE);
    const workers = JSON.parse((await cli('workers', '--json')).stdout) as Array<{ checkin: string }>;
    expect(workers[0]!.checkin).toBe(HOSTILE);
    const pools = JSON.parse((await cli('pools', '--json')).stdout) as Array<{ poolId: string; host: string }>;
    expect(pools[0]).toMatchObject({ poolId: 'pool\x1b[31m1', host: 'host\x07' });
  });
});

describe('table rendering', () => {
  interface Row {
    id: string;
    name: string;
    error: string;
  }
  const specs: ColumnSpec<Row>[] = [
    { title: 'ID', cell: (r) => r.id, rank: 9 },
    { title: 'Job', cell: (r) => r.name, cut: 'middle', min: 12, rank: 8 },
    { title: 'Error', cell: (r) => r.error, min: 16, rank: 5 },
    { title: 'Args', cell: () => '{"a":1}', rank: 1 },
  ];
  const rows: Row[] = [
    { id: 'a'.repeat(24), name: WIDE, error: HOSTILE },
    { id: 'b'.repeat(24), name: 'short', error: 'E'.repeat(5000) },
  ];

  it('fits every width, keeping whole titles, and drops the lowest-ranked columns first', () => {
    for (const width of [40, 60, 80, 120, 200]) {
      const lines = renderColumns(specs, rows, { width }).split('\n');
      expect(new Set(lines.map(textWidth)).size, `${width}`).toBe(1);
      expect(textWidth(lines[0]!)).toBeLessThanOrEqual(width);
      expect(lines.join('\n')).not.toMatch(RAW_CONTROL);
    }
    expect(renderColumns(specs, rows, { width: 200 }).split('\n')[1]).toMatch(/│ ID\s+│ Job\s+│ Error\s+│ Args\s+│/);
    expect(renderColumns(specs, rows, { width: 70 }).split('\n')[1]).toMatch(/│ ID\s+│ Job\s+│ Error\s+│$/);
    expect(renderColumns(specs, rows, { width: 60 }).split('\n')[1]).toMatch(/│ ID\s+│ Job\s+│$/);
  });

  it('colours only the frame and titles, and only when asked', () => {
    expect(renderTable(['A'], [['x']], false)).not.toContain('\x1b');
    expect(renderTable(['A'], [['x']], true)).toContain('\x1b[36mA');
  });

  it('sizes tables to the terminal, or 80 columns when output is not a terminal', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 132 });
    const pipe = new PassThrough();
    const unknown = Object.assign(new PassThrough(), { isTTY: true, columns: 0 });
    expect(terminalWidth(tty)).toBe(132);
    expect(terminalWidth(pipe)).toBe(80);
    expect(terminalWidth(unknown)).toBe(80);
  });
});
