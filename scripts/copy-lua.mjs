// tsc does not copy non-TypeScript files; the Lua scripts must sit beside the
// compiled script loader, so mirror src/engine/redis/lua into dist.
import { cpSync } from 'node:fs';

cpSync('src/engine/redis/lua', 'dist/engine/redis/lua', { recursive: true });
