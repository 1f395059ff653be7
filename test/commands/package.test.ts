// The package as people install it: its name, the `work` bin, import and
// require() by name from another project, and what `npm pack` ships.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  license: string;
  bin: Record<string, string>;
};

// require() of an ES module works without a flag from Node 20.19 (and 22.12).
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const requireEsm = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;

/** A project elsewhere with the package installed under its name (a link to the built tree). */
let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'work-consumer-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', pkg.name), 'dir');
});

function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the package', () => {
  it('has a free name of its own (not "work"), the work command, and an MIT LICENSE', () => {
    expect(pkg.name).toBe('work-queue');
    expect(pkg.bin).toEqual({ work: 'dist/commands/cli.js' });
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toContain('Permission is hereby granted, free of charge');
  });

  it('loads by name with import from another project', () => {
    const result = node(['--input-type=module', '-e', `const w = await import('${pkg.name}'); console.log([typeof w.Enqueuer, typeof w.WorkerPool, typeof w.Client].join(' '))`]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('function function function');
  });

  it.skipIf(!requireEsm)('loads by name with require() from CommonJS', () => {
    const result = node(['-e', `const w = require('${pkg.name}'); const p = require('${pkg.name}/package.json'); console.log([typeof w.Enqueuer, typeof w.WorkerPool, typeof w.Client, p.name].join(' '))`]);
    // ERR_PACKAGE_PATH_NOT_EXPORTED without a require condition, ERR_REQUIRE_ASYNC_MODULE with a top-level await.
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`function function function ${pkg.name}`);
    expect(result.stderr).not.toMatch(/ERR_|Warning/);
  });

  it('npm pack ships the built library, the bin, the Lua scripts, README and LICENSE', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [packed] = JSON.parse(out) as Array<{ name: string; files: Array<{ path: string }> }>;
    const files = packed!.files.map((f) => f.path);
    expect(packed!.name).toBe(pkg.name);
    for (const file of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/commands/cli.js', 'examples/handlers.js']) {
      expect(files).toContain(file);
    }
    expect(files.some((f) => /^dist\/engine\/redis\/lua\/.+\.lua$/.test(f))).toBe(true);
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
  });
});
