// The command line before meow sees it: global flags may come before the
// command (`work --redis URL dead`), and an unknown flag gets a suggestion.
import { GLOBAL_FLAGS, kebabCase, type FlagSpec } from './command.js';
import { UsageError } from './exit-codes.js';
import { nearest } from './suggest.js';

export type CommandLine =
  | { kind: 'help'; topic?: string }
  | { kind: 'version' }
  | { kind: 'command'; name: string; args: string[] }
  | { kind: 'none'; args: string[] };

/** The spellings of a set of flags: "--tls-ca" and "-n", with whether each takes a value. */
function spellings(flags: Record<string, FlagSpec>): Map<string, { takesValue: boolean; flag: string }> {
  const out = new Map<string, { takesValue: boolean; flag: string }>();
  for (const [flag, spec] of Object.entries(flags)) {
    const takesValue = spec.type !== 'boolean';
    out.set(`--${kebabCase(flag)}`, { takesValue, flag });
    if (spec.shortFlag) out.set(`-${spec.shortFlag}`, { takesValue, flag });
  }
  return out;
}

/**
 * Finds the command name. Global flags (and their values) before it are kept
 * for the command's parser, so they mean the same before and after it.
 * Throws UsageError for an unknown option before the command.
 */
export function splitCommandLine(argv: readonly string[]): CommandLine {
  const globals = spellings(GLOBAL_FLAGS);
  const leading: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-v') return { kind: 'version' };
    if (!arg.startsWith('-') || arg === '-') {
      if (arg === 'help') {
        const topic = argv[i + 1];
        return topic === undefined || topic === 'help' ? { kind: 'help' } : { kind: 'help', topic };
      }
      return { kind: 'command', name: arg, args: [...leading, ...argv.slice(i + 1)] };
    }
    const bare = arg.split('=', 1)[0]!;
    const spec = globals.get(bare);
    if (!spec) {
      const guess = nearest(bare, [...globals.keys()].filter((s) => s.startsWith('--')));
      throw new UsageError(`unknown option ${bare} before the command${guess ? ` (did you mean ${guess}?)` : ''}; run "work --help" for the global options`);
    }
    leading.push(arg);
    if (spec.takesValue && !arg.includes('=')) {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      leading.push(value);
      i++;
    }
  }
  return { kind: 'none', args: leading };
}

/**
 * meow rejects an unknown flag without saying what was meant; this names the
 * nearest one. Only long flags are checked (meow still handles the rest);
 * values of flags that take one are skipped, and so is everything after "--".
 */
export function checkLongFlags(args: readonly string[], flags: Record<string, FlagSpec>): void {
  const known = spellings(flags);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return;
    if (!arg.startsWith('--')) continue;
    const bare = arg.split('=', 1)[0]!;
    const spec = known.get(bare) ?? negated(bare, flags, known);
    if (!spec) {
      const guess = nearest(bare, [...known.keys()].filter((s) => s.startsWith('--')));
      throw new UsageError(`unknown flag ${bare}${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
    if (spec.takesValue && !arg.includes('=')) i++;
  }
}

/** meow reads "--no-json" as json=false for a boolean flag. */
function negated(bare: string, flags: Record<string, FlagSpec>, known: ReturnType<typeof spellings>) {
  if (!bare.startsWith('--no-')) return undefined;
  const spec = known.get(`--${bare.slice(5)}`);
  return spec && flags[spec.flag]?.type === 'boolean' ? spec : undefined;
}

/**
 * The argument parser reads `--args -` as an empty flag and a positional "-";
 * for string flags a lone "-" is the value (stdin), so join the two.
 */
export function attachDashValues(argv: readonly string[], flags: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') ? arg.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) : '';
    if (name && flags[name]?.type === 'string' && argv[i + 1] === '-') {
      out.push(`${arg}=-`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
