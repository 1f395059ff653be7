// `npm run bench` works from a fresh clone: install the bench's own
// dependencies (BullMQ) the first time, never into the root package.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const here = new URL('.', import.meta.url).pathname;
if (!existsSync(new URL('./node_modules/bullmq/package.json', import.meta.url))) {
  console.error('bench: installing its dependencies (BullMQ)…');
  const lock = existsSync(new URL('./package-lock.json', import.meta.url));
  const result = spawnSync('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  console.error('bench: build work first (npm run build at the repository root)');
  process.exit(1);
}
