// `npm run bench` works from a fresh clone: install the bench's own
// dependencies (BullMQ, bee-queue) the first time, or again when one is
// added, never into the root package.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const here = new URL('.', import.meta.url).pathname;
const { devDependencies } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const missing = Object.keys(devDependencies).filter((name) => !existsSync(new URL(`./node_modules/${name}/package.json`, import.meta.url)));
if (missing.length > 0) {
  console.error(`bench: installing its dependencies (${missing.join(', ')})…`);
  const lock = existsSync(new URL('./package-lock.json', import.meta.url));
  const result = spawnSync('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  console.error('bench: build work first (npm run build at the repository root)');
  process.exit(1);
}
