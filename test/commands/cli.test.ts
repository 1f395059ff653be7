// The binary's contract: help, usage errors, exit codes, unreachable Redis,
// and a password that never shows up anywhere.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/registry.js';
import { runCli } from '../support/cli.js';
import { closedPort } from './closed-port.js';

describe('work --help', () => {
  it('lists every subcommand with its description, and the exit codes', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const [name, entry] of Object.entries(COMMANDS)) {
      expect(stdout).toContain(`  ${name} `);
      expect(stdout).toContain(entry.description);
    }
    expect(stdout).toContain('3  Redis unreachable');
  });

  it.each(Object.keys(COMMANDS))('work %s --help shows usage, flags and an example', async (name) => {
    const { code, stdout } = await runCli([name, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`work ${name}`);
    expect(stdout).toContain('--redis');
    expect(stdout).toContain('Examples');
  });

  it('with no command prints help on stderr and exits 2', async () => {
    const { code, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage');
  });
});

describe('usage errors exit 2', () => {
  it('rejects an unknown command', async () => {
    const { code, stderr } = await runCli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "frobnicate"');
  });

  it('rejects an unknown flag', async () => {
    const { code, stderr } = await runCli(['queues', '--frob']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown flag/i);
  });

  it('rejects a missing argument with the usage line', async () => {
    const { code, stderr } = await runCli(['retry-dead']);
    expect(code).toBe(2);
    expect(stderr).toContain('give --all or at least one job ID');
    expect(stderr).toContain('Usage: work retry-dead');
  });

  it('rejects a Redis URL that is not one', async () => {
    const { code, stderr } = await runCli(['queues', '--redis', 'http://example']);
    expect(code).toBe(2);
    expect(stderr).toContain('redis://');
  });
});

describe('Redis unreachable exits 3', () => {
  it('names the masked URL and the cause within 5 s, and never prints the password', async () => {
    const port = await closedPort();
    const url = `redis://admin:s3cretpw@127.0.0.1:${port}/0`;
    for (const args of [['queues', '--redis', url], ['retry-dead', '--all', '--redis', url], ['enqueue', 'x', '--redis', url]]) {
      const { code, stdout, stderr, ms } = await runCli(args);
      expect(code, args.join(' ')).toBe(3);
      expect(ms).toBeLessThan(6000);
      expect(stderr).toContain(`redis://admin:***@127.0.0.1:${port}/0`);
      expect(stderr).toContain('ECONNREFUSED');
      expect(stdout + stderr).not.toContain('s3cretpw');
    }
  });

  it('masks a password given through REDIS_URL too', async () => {
    const port = await closedPort();
    const { code, stderr } = await runCli(['pools', '--json'], { env: { REDIS_URL: `redis://:hunter2pw@127.0.0.1:${port}` } });
    expect(code).toBe(3);
    expect(stderr).not.toContain('hunter2pw');
    expect(stderr).toContain('***');
  });
});
