// `work contexts`: the named contexts of the config file, passwords masked.
import { existsSync } from 'node:fs';
import type { Command } from './command.js';
import { configFile, contextNames, loadContext, type NamedContext } from './contexts.js';
import { UsageError } from './exit-codes.js';
import { notice, writeJson, writeTable, type ColumnSpec } from './output.js';
import { maskRedisUrl } from './redis-url.js';

type Row = Omit<NamedContext, 'file'>;

const COLUMNS: ColumnSpec<Row>[] = [
  { title: 'Context', cell: (c) => c.name, cut: 'middle', min: 8, rank: 9 },
  { title: 'Redis', cell: (c) => c.redis, rank: 8 },
  { title: 'Namespace', cell: (c) => c.namespace ?? 'work', cut: 'middle', min: 9, rank: 7 },
  { title: 'TLS CA', cell: (c) => c.tlsCa ?? '', cut: 'middle', min: 8, rank: 5 },
  { title: 'Password file', cell: (c) => c.redisPasswordFile ?? '', cut: 'middle', min: 8, rank: 6 },
];

export const command: Command = {
  usage: 'work contexts [--names | --json]',
  details: [
    'Reads $XDG_CONFIG_HOME/work/config.json (default ~/.config/work/config.json):',
    '  { "contexts": { "prod": { "redis": "rediss://work@redis.internal:6380", "namespace": "my_app",',
    '                            "tlsCa": "/etc/ssl/redis-ca.pem", "redisPasswordFile": "~/.secrets/redis" } } }',
    'Each setting stands for the global flag of the same name; paths are relative to the file.',
    'Select one with --context NAME or WORK_CONTEXT=NAME; a flag given beside it still wins,',
    'and REDIS_URL, WORK_NAMESPACE, WORK_TLS_CA and WORK_REDIS_PASSWORD_FILE are not read.',
  ].join('\n'),
  local: true,
  flags: {
    names: { type: 'boolean', description: 'only the names, one a line (for scripts and shell completion)' },
  },
  examples: ['work contexts', 'work --context prod dead', 'WORK_CONTEXT=staging work top'],
  async run(ctx) {
    if (ctx.input.length > 0) throw new UsageError(`unexpected arguments: ${ctx.input.join(' ')}`);
    const file = configFile(process.env);
    if (!existsSync(file)) {
      ctx.stderr.write(`no config file at ${file}; see work contexts --help for its form\n`);
      if (ctx.global.json) writeJson(ctx.stdout, []);
      return;
    }
    const names = contextNames(process.env);
    if (ctx.flags.names) {
      for (const name of names) ctx.stdout.write(`${name}\n`);
      return;
    }
    const rows: Row[] = names.map((name) => {
      const { file: _file, ...context } = loadContext(name, process.env);
      return { ...context, redis: maskRedisUrl(context.redis, context.redisPasswordFile !== undefined) };
    });
    if (ctx.global.json) return writeJson(ctx.stdout, rows);
    if (rows.length === 0) {
      ctx.stderr.write(notice(`no contexts in ${file}`));
      return;
    }
    writeTable(ctx.stdout, COLUMNS, rows);
  },
};
