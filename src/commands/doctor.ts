// `work doctor`: checks a deployment and says what to fix.
import { diagnose, type Finding } from '../engine/client/client.js';
import type { Command } from './command.js';
import { EXIT, UsageError } from './exit-codes.js';
import { writeJson } from './output.js';
import { inert } from '../support/inert.js';
import { withClient } from './with-client.js';

const MARK: Record<Finding['level'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export const command: Command = {
  usage: 'work doctor [--dead-after SECONDS] [--strict] [--json]',
  details: [
    'Checks the Redis version, memory policy and persistence, the commands this user may run,',
    'clock skew between this host, Redis and the pools, stale pools and lock counts that drifted.',
    'Exit 0 when nothing failed (warnings are printed), 1 when a check failed, or with --strict',
    'when anything was not ok. Reads only, apart from one short-lived probe key.',
  ].join('\n'),
  flags: {
    deadAfter: { type: 'number', default: 15, description: 'heartbeat age (s) at which pools count as stale (default 15)' },
    strict: { type: 'boolean', description: 'exit 1 on warnings too' },
  },
  examples: ['work doctor', 'work doctor --context prod --strict', 'work doctor --json | jq \'.[] | select(.level != "ok")\''],
  async run(ctx) {
    if (ctx.input.length > 0) throw new UsageError(`unexpected arguments: ${ctx.input.join(' ')}`);
    const deadAfter = Number(ctx.flags.deadAfter ?? 15);
    if (!Number.isFinite(deadAfter) || deadAfter <= 0) throw new UsageError('--dead-after must be a number of seconds > 0');
    const findings = diagnose(await withClient(ctx, (client) => client.doctorFacts(deadAfter)));
    if (ctx.global.json) writeJson(ctx.stdout, findings);
    else {
      for (const f of findings) {
        ctx.stdout.write(`${MARK[f.level]}  ${inert(f.check)}: ${inert(f.detail)}\n`);
        if (f.fix && f.level !== 'ok') ctx.stdout.write(`      fix: ${inert(f.fix)}\n`);
      }
    }
    const failed = findings.some((f) => f.level === 'fail' || (ctx.flags.strict && f.level === 'warn'));
    return failed ? EXIT.failed : EXIT.ok;
  },
};
