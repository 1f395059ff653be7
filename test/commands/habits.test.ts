// CLI habits: global flags before or after the command, suggestions for typos,
// shell completion generated from the registry, and named contexts.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { kebabCase } from '../../src/commands/command.js';
import { nearest } from '../../src/commands/suggest.js';
import { COMMANDS } from '../../src/commands/registry.js';
import { startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';
import { CLI, runCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { closedPort } from './closed-port.js';

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('habits');
});
afterEach(async () => {
  await t.cleanup();
});

describe('global flags', () => {
  it('mean the same before and after the command', async () => {
    await runCli(['enqueue', 'email', '--redis', redisUrl(), '-n', t.namespace]);
    const after = await runCli(['queues', '--redis', redisUrl(), '-n', t.namespace, '--json']);
    const before = await runCli(['--redis', redisUrl(), '-n', t.namespace, '--json', 'queues']);
    const mixed = await runCli([`--redis=${redisUrl()}`, 'queues', `--namespace=${t.namespace}`, '--json']);
    for (const result of [after, before, mixed]) {
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as Array<{ jobName: string }>).map((q) => q.jobName)).toEqual(['email']);
    }
  });

  it('an unknown option or a missing value before the command is a usage error', async () => {
    const unknown = await runCli(['--redsi', 'redis://x', 'dead']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option --redsi before the command (did you mean --redis?)');
    const missing = await runCli(['--redis']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--redis needs a value');
  });
});

describe('suggestions', () => {
  it('picks the nearest name only when it is near', () => {
    expect(nearest('retry-ded', Object.keys(COMMANDS))).toBe('retry-dead');
    expect(nearest('qeueus', Object.keys(COMMANDS))).toBe('queues');
    expect(nearest('sched', Object.keys(COMMANDS))).toBe('scheduled');
    expect(nearest('frobnicate', Object.keys(COMMANDS))).toBeUndefined();
  });

  it('an unknown command or flag names the nearest', async () => {
    const command = await runCli(['retry-ded', '--all']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "retry-ded" (did you mean retry-dead?)');
    const far = await runCli(['frobnicate']);
    expect(far.stderr).not.toContain('did you mean');
    const flag = await runCli(['dead', '--pgae', '2']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown flag --pgae (did you mean --page?)');
    expect(flag.stderr).toContain('Usage: work dead');
  });

  it('work help NAME shows that command\'s help', async () => {
    const { code, stdout } = await runCli(['help', 'retry-dead']);
    expect(code).toBe(0);
    expect(stdout).toContain('work retry-dead (--all | ID...)');
  });
});

/** A directory with a `work` on it that runs the built binary, as an installed one would. */
function binDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'work-bin-'));
  const shim = join(dir, 'work');
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

describe('work completion', () => {
  let script: string;
  let bin: string;
  let config: string;

  beforeAll(async () => {
    const result = await runCli(['completion', 'bash']);
    expect(result.code, result.stderr).toBe(0);
    script = join(mkdtempSync(join(tmpdir(), 'work-completion-')), 'work.bash');
    writeFileSync(script, result.stdout);
    bin = binDir();
    config = mkdtempSync(join(tmpdir(), 'work-config-'));
    mkdirSync(join(config, 'work'));
    writeFileSync(join(config, 'work', 'config.json'), JSON.stringify({ contexts: { prod: { redis: 'redis://h:1' }, staging: { redis: 'redis://h:2' } } }));
  });

  /** What bash offers after typing `words` (the last one is the word being completed). */
  function complete(...words: string[]): string[] {
    const program = [
      `source ${JSON.stringify(script)}`,
      'COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()',
      '_work',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const result = spawnSync('bash', ['-c', program, 'bash', 'work', ...words], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, XDG_CONFIG_HOME: config },
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.split('\n').filter(Boolean).sort();
  }

  it('offers every command, and every flag of each command, from the registry', async () => {
    expect(complete('')).toEqual([...Object.keys(COMMANDS), 'help'].sort());
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const command = await entry.load();
      const offered = complete(name, '--');
      for (const flag of Object.keys(command.flags)) expect(offered, `${name} --${kebabCase(flag)}`).toContain(`--${kebabCase(flag)}`);
      for (const global of ['--redis', '--namespace', '--json', '--tls-ca', '--redis-password-file', '--context']) expect(offered).toContain(global);
    }
  });

  it('skips global flags and their values to find the command, and offers files, shells and context names', () => {
    expect(complete('--redis', 'redis://h:1', '-n', 'app', 'retry-')).toEqual(['retry-dead']);
    expect(complete('dead', '--p')).toEqual(['--page']);
    expect(complete('dead', '--page', '')).toEqual([]);
    expect(complete('completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('--tls-ca', script.slice(0, -3))).toEqual([script]);
    expect(complete('worker', script.slice(0, -3))).toEqual([script]);
    expect(complete('--context', '')).toEqual(['prod', 'staging']);
    expect(complete('help', 'retry-d')).toEqual(['retry-dead']);
  });

  const installed = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

  async function scriptFile(shell: string): Promise<string> {
    const result = await runCli(['completion', shell]);
    expect(result.code, result.stderr).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'work-completion-')), shell === 'zsh' ? '_work' : `work.${shell}`);
    writeFileSync(file, result.stdout);
    return file;
  }

  const shellEnv = () => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, XDG_CONFIG_HOME: config });

  it.skipIf(!installed('fish'))('the fish script offers the same', async () => {
    const file = await scriptFile('fish');
    const offered = (line: string) => {
      const result = spawnSync('fish', ['-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', env: shellEnv() });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort();
    };
    expect(offered('work --redis redis://h:1 -n app retry-')).toEqual(['retry-dead']);
    expect(offered('work dead --p')).toEqual(['--page']);
    expect(offered('work completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(offered('work --context ')).toEqual(['prod', 'staging']);
    expect(offered(`work worker ${file.slice(0, -3)}`)).toEqual([file]);
  });

  it.skipIf(!installed('zsh'))('the zsh script parses and, with the completion system stubbed, offers the same', async () => {
    const file = await scriptFile('zsh');
    expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
    // Outside a completion widget words and CURRENT are plain variables; the stubs print what would be offered.
    const stubs = [
      'compdef() { :; }',
      '_describe() { local a skip=0; for a in "$@"; do if (( skip )); then skip=0; continue; fi; [[ $a == -t ]] && { skip=1; continue; }; [[ $a == -* ]] && continue; [[ ${(Pt)a} == array* ]] && print -l -- ${${(P)a}%%:*}; done; }',
      'compadd() { [[ $1 == -a ]] && print -l -- ${(P)2}; }',
      '_files() { print FILES; }',
    ].join('\n');
    const offered = (...line: string[]) => {
      const program = `${stubs}\nsource ${file}\nwords=("$@"); CURRENT=$#words\n_work`;
      const result = spawnSync('zsh', ['-f', '-c', program, 'zsh', 'work', ...line], { encoding: 'utf8', env: shellEnv() });
      const current = line.at(-1)!;
      return result.stdout.split('\n').filter((w) => w && w.startsWith(current)).sort();
    };
    expect(offered('--redis', 'redis://h:1', '-n', 'app', 'retry-')).toEqual(['retry-dead']);
    expect(offered('dead', '--p')).toEqual(['--page']);
    expect(offered('completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(offered('--context', '')).toEqual(['prod', 'staging']);
    expect(offered('worker', '')).toEqual(['FILES']);
  });

  it('an unknown shell is a usage error with a suggestion', async () => {
    const { code, stderr } = await runCli(['completion', 'bsh']);
    expect(code).toBe(2);
    expect(stderr).toContain('did you mean bash?');
  });
});

describe('named contexts', () => {
  let home: string;
  let server: RedisServerHandle;
  const PASSWORD = 'ctx-pass-5521';

  beforeAll(async () => {
    server = await startRedisServer(['--requirepass', PASSWORD]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  function writeConfig(content: string): void {
    mkdirSync(join(home, 'work'), { recursive: true });
    writeFileSync(join(home, 'work', 'config.json'), content);
  }
  const env = () => ({ XDG_CONFIG_HOME: home, WORK_CONTEXT: undefined });

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'work-xdg-'));
  });

  it('hold the Redis URL, namespace and password file; --context or WORK_CONTEXT selects one, flags still win', async () => {
    writeConfig(
      JSON.stringify({
        contexts: {
          local: { redis: redisUrl(), namespace: t.namespace },
          locked: { redis: server.url, namespace: 'locked-app', redisPasswordFile: 'secrets/redis' },
        },
      }),
    );
    mkdirSync(join(home, 'work', 'secrets'));
    writeFileSync(join(home, 'work', 'secrets', 'redis'), `${PASSWORD}\n`);
    await runCli(['enqueue', 'email', '--redis', redisUrl(), '-n', t.namespace]);

    const queues = (r: { stdout: string }) => (JSON.parse(r.stdout) as Array<{ jobName: string }>).map((q) => q.jobName);
    const byFlag = await runCli(['--context', 'local', 'queues', '--json'], { env: env() });
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(queues(byFlag)).toEqual(['email']);
    // REDIS_URL and WORK_NAMESPACE are not read beside a context.
    const byEnv = await runCli(['queues', '--json'], {
      env: { ...env(), WORK_CONTEXT: 'local', REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, WORK_NAMESPACE: 'elsewhere' },
    });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(queues(byEnv)).toEqual(['email']);
    // A flag beside the context wins for its setting.
    const other = await runCli(['--context', 'local', '-n', 'nothing-here', 'queues', '--json'], { env: env() });
    expect(queues(other)).toEqual([]);

    // The password file, relative to the config file, and no warning: nothing secret in argv.
    const locked = await runCli(['enqueue', 'report', '--context', 'locked'], { env: env() });
    expect(locked.code, locked.stderr).toBe(0);
    expect(locked.stderr).not.toContain('warning');
    const lockedQueues = await runCli(['queues', '--json', '--context', 'locked'], { env: env() });
    expect(queues(lockedQueues)).toEqual(['report']);
  });

  it('work contexts lists them with passwords masked', async () => {
    writeConfig(JSON.stringify({ contexts: { prod: { redis: 'rediss://ops:Hidden-pw-1@redis.internal:6380', namespace: 'app' }, dev: { redis: 'redis://127.0.0.1:6390' } } }));
    const listed = await runCli(['contexts', '--json'], { env: env() });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: 'dev', redis: 'redis://127.0.0.1:6390' },
      { name: 'prod', redis: 'rediss://ops:***@redis.internal:6380', namespace: 'app' },
    ]);
    const names = await runCli(['contexts', '--names'], { env: env() });
    expect(names.stdout).toBe('dev\nprod\n');
    const table = await runCli(['contexts'], { env: env() });
    expect(table.stdout).toContain('prod');
    expect(table.stdout + table.stderr).not.toContain('Hidden-pw-1');
  });

  it('a missing file, bad JSON, an unknown context or setting is a clear usage error', async () => {
    const file = join(home, 'work', 'config.json');
    const run = () => runCli(['queues', '--context', 'prod'], { env: env() });
    const cases: Array<[string | undefined, string]> = [
      [undefined, `no config file at ${file}`],
      ['{"contexts": {', `${file}: not valid JSON`],
      ['[]', `${file}: expected an object with "contexts"`],
      [JSON.stringify({ contexts: { prdo: { redis: 'redis://h:1' }, dev: { redis: 'redis://h:2' } } }), `unknown context "prod" in ${file} (did you mean prdo?); known: dev, prdo`],
      [JSON.stringify({ contexts: { prod: { redis: 'redis://h:1', namespce: 'x' } } }), 'unknown setting "namespce" (did you mean namespace?)'],
      [JSON.stringify({ contexts: { prod: { namespace: 'x' } } }), '"redis" is missing'],
      [JSON.stringify({ contexts: { prod: { redis: 42 } } }), '"redis" must be a non-empty string'],
    ];
    for (const [content, message] of cases) {
      if (content !== undefined) writeConfig(content);
      const { code, stderr } = await run();
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(message);
    }
  });

  it('a context\'s missing password file or CA is named with the context', async () => {
    writeConfig(JSON.stringify({ contexts: { prod: { redis: 'rediss://redis.internal:6380', tlsCa: 'nope.pem', redisPasswordFile: '/nonexistent/pw' } } }));
    const { code, stderr } = await runCli(['queues', '--context', 'prod'], { env: env() });
    expect(code).toBe(2);
    expect(stderr).toMatch(/context "prod" (tlsCa|redisPasswordFile) .*: cannot read the/);
  });
});
