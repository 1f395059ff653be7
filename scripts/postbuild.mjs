// tsc neither copies non-TypeScript files nor marks the bin executable:
// mirror the Lua scripts beside the compiled loader and the page of `work serve`
// beside its server, and chmod the CLI.
import { chmodSync, cpSync } from 'node:fs';

cpSync('src/engine/redis/lua', 'dist/engine/redis/lua', { recursive: true });
cpSync('src/serve/page', 'dist/serve/page', { recursive: true });
chmodSync('dist/commands/cli.js', 0o755);
