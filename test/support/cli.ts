// Runs the built `work` binary as a child process, as a user or a runbook would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/commands/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

export function startCli(args: string[], options: CliOptions = {}): ChildProcess {
  // A developer's shell settings must not leak into what a test runs.
  const clean = { REDIS_URL: undefined, WORK_NAMESPACE: undefined, WORK_CONTEXT: undefined, WORK_REDIS_PASSWORD_FILE: undefined, WORK_TLS_CA: undefined, WORK_READ_ONLY: undefined };
  const env = { ...process.env, NO_COLOR: '1', ...clean, ...options.env };
  return spawn(process.execPath, [CLI, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const child = startCli(args, options);
  return collect(child, started, options);
}

export function collect(child: ChildProcess, started = Date.now(), options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += String(c)));
  child.stderr!.on('data', (c) => (stderr += String(c)));
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`work ${child.spawnargs.slice(2).join(' ')} did not exit within ${options.timeoutMs ?? 15_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Let the pipes drain.
      setImmediate(() => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    });
  });
}
