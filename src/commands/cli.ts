#!/usr/bin/env node
// The `work` binary: picks the subcommand, parses its flags with meow, runs
// it, and turns whatever it throws into one message and an exit code. This is
// the only place that prints errors or exits.
import { readFileSync } from 'node:fs';
import meow from 'meow';
import { errorMessage } from '../engine/errors.js';
import { commandHelp, flagLines, GLOBAL_FLAGS, redisAccess, resolveGlobals, type CommandContext, type GlobalOptions } from './command.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor, UsageError } from './exit-codes.js';
import { maskSecrets, urlSecrets } from './redis-url.js';
import { attachDashValues, checkLongFlags, splitCommandLine, type CommandLine } from './argv.js';
import { COMMANDS } from './registry.js';
import { nearest } from './suggest.js';

const ARGV_PASSWORD_WARNING =
  'work: warning: the Redis password is on the command line, where other users of this machine can read it; use REDIS_URL, --redis-password-file or --context instead';

function rootHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}${entry.description}`);
  return [
    'work: background jobs on Redis, compatible with gocraft/work',
    '',
    'Usage',
    '  work [global options] <command> [options]',
    '  work <command> --help',
    '',
    'Commands',
    ...lines,
    '',
    'Global options (before or after the command)',
    ...flagLines(GLOBAL_FLAGS, true),
    '',
    'Passwords',
    '  A password inside --redis is visible to other users of this machine (ps, /proc)',
    '  until work starts. Keep it out of the command line: put the URL in REDIS_URL, or',
    '  the password alone in a file (--redis-password-file, with the user in the URL:',
    '  redis://work@host), or both in a named context (work contexts --help). Messages',
    '  always mask it.',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The global settings and how to reach Redis with them; reads the context, CA and password files now. */
function redisSettings(flags: Record<string, unknown>): { global: GlobalOptions; access: Pick<CommandContext, 'connect' | 'redact'> } {
  const global = resolveGlobals(flags, process.env);
  if (global.redisFrom === '--redis' && urlSecrets(global.redisUrl, global.redisPasswordFile !== undefined).length > 0) {
    process.stderr.write(`${ARGV_PASSWORD_WARNING}\n`);
  }
  // A bad CA or password file is a usage error before the command starts.
  return { global, access: redisAccess(global) };
}

/** For commands that never reach Redis: a broken context or a missing file must not stop them. */
function localSettings(flags: Record<string, unknown>): { global: GlobalOptions; access: Pick<CommandContext, 'connect' | 'redact'> } {
  return {
    global: resolveGlobals({ json: flags.json }, {}),
    access: {
      connect: () => Promise.reject(new Error('this command does not use Redis')),
      redact: (text) => text,
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  let line: CommandLine;
  try {
    line = splitCommandLine(argv);
  } catch (error) {
    process.stderr.write(`work: ${errorMessage(error)}\n`);
    return EXIT.usage;
  }
  if (line.kind === 'version') {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (line.kind === 'help' && line.topic === undefined) {
    process.stdout.write(`${rootHelp()}\n`);
    return EXIT.ok;
  }
  if (line.kind === 'none') {
    process.stderr.write(`${rootHelp()}\n`);
    return EXIT.usage;
  }
  const name = line.kind === 'help' ? line.topic! : line.name;
  const entry = COMMANDS[name];
  if (!entry) {
    const guess = nearest(name, [...Object.keys(COMMANDS), 'help']);
    process.stderr.write(`work: unknown command "${name}"${guess ? ` (did you mean ${guess}?)` : ''}\nRun "work --help" for the list of commands.\n`);
    return EXIT.usage;
  }
  const rest = line.kind === 'command' ? line.args : ['--help'];
  // Keep argv (which may hold a Redis password) out of `ps`.
  process.title = `work ${name}`;

  const command = await entry.load();
  const help = commandHelp(`work ${name}`, entry.description, command);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${help}\n`);
    return EXIT.ok;
  }
  try {
    checkLongFlags(rest, { ...command.flags, ...GLOBAL_FLAGS });
  } catch (error) {
    process.stderr.write(`work ${name}: ${errorMessage(error)}\nUsage: ${command.usage}\n`);
    return EXIT.usage;
  }
  const cli = meow(help, {
    importMeta: import.meta,
    argv: attachDashValues(rest, command.flags),
    flags: { ...command.flags, ...GLOBAL_FLAGS } as never,
    allowUnknownFlags: false,
    autoHelp: false,
    autoVersion: false,
    description: false,
  });
  // meow renames the process after the package ("work"); say which command this is again.
  process.title = `work ${name}`;

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`work: ${signal} received, stopping (send it again to force)\n`);
      controller.abort(new Error(`interrupted by ${signal}`));
    } else {
      process.stderr.write('work: forced stop\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Until the settings are read, mask at least what the command line and REDIS_URL carry.
  const flags = cli.flags as Record<string, unknown>;
  let redact = (text: string) => maskSecrets(maskSecrets(text, String(flags.redis ?? '')), process.env.REDIS_URL ?? '');
  try {
    const { global, access } = command.local ? localSettings(flags) : redisSettings(flags);
    redact = access.redact;
    const ctx: CommandContext = {
      input: cli.input,
      flags: cli.flags,
      global,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
      ...access,
    };
    return (await command.run(ctx)) ?? EXIT.ok;
  } catch (error) {
    const code = exitCodeFor(error);
    process.stderr.write(`work ${name}: ${redact(errorMessage(error))}\n`);
    if (code === EXIT.usage || error instanceof UsageError) process.stderr.write(`Usage: ${command.usage}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`work: ${errorMessage(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
