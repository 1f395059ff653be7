// Every subcommand: its one-line description (for `work --help`) and a lazy
// loader, so `work --help` and small commands never load Ink or React.
import type { Command } from './command.js';

export interface CommandEntry {
  description: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  worker: { description: 'Run the job handlers of a module until stopped', load: async () => (await import('./worker.js')).command },
  top: { description: 'Live console: queues, pools, workers, retry/scheduled/dead; act on them', load: async () => (await import('./top.js')).command },
  demo: { description: 'Run sample workers on a private or local Redis and watch them', load: async () => (await import('./demo.js')).command },
  queues: { description: 'List queues: queued jobs, latency, paused, running', load: async () => (await import('./queues.js')).command },
  pools: { description: 'List worker pools and their heartbeats; stale pools flagged', load: async () => (await import('./pools.js')).command },
  workers: { description: 'List busy workers with their jobs and check-ins', load: async () => (await import('./workers.js')).command },
  dead: { description: 'List dead jobs (a page, or --all)', load: async () => (await import('./job-sets.js')).dead },
  retry: { description: 'List jobs waiting to be retried', load: async () => (await import('./job-sets.js')).retry },
  scheduled: { description: 'List scheduled jobs', load: async () => (await import('./job-sets.js')).scheduled },
  'retry-dead': { description: 'Put dead jobs back on their queues', load: async () => (await import('./retry-dead.js')).command },
  'delete-dead': { description: 'Delete dead jobs', load: async () => (await import('./delete-dead.js')).command },
  'delete-retry': { description: 'Delete jobs waiting to be retried, by ID', load: async () => (await import('./delete-job.js')).deleteRetry },
  'delete-scheduled': { description: 'Delete scheduled jobs, by ID', load: async () => (await import('./delete-job.js')).deleteScheduled },
  pause: { description: 'Pause queues: their jobs wait until unpaused', load: async () => (await import('./pause.js')).pause },
  unpause: { description: 'Unpause queues', load: async () => (await import('./pause.js')).unpause },
  enqueue: { description: 'Enqueue a job', load: async () => (await import('./enqueue.js')).command },
  stats: { description: 'Runs per job name over a window: rates, failures, run-time and wait percentiles', load: async () => (await import('./stats.js')).command },
  exporter: { description: 'Serve a namespace\'s metrics to Prometheus: queues, sets, pools, durable counters', load: async () => (await import('./exporter.js')).command },
  job: { description: 'Show one job wherever it is: queued, running, scheduled, retry or dead', load: async () => (await import('./job.js')).command },
  serve: { description: 'Serve the cluster over HTTP: gocraft\'s web UI API, enqueue, health checks, a web page', load: async () => (await import('./serve.js')).command },
  doctor: { description: 'Check a deployment: Redis settings, rights, clocks, stale pools, lock drift', load: async () => (await import('./doctor.js')).command },
  contexts: { description: 'List the named contexts of the config file', load: async () => (await import('./list-contexts.js')).command },
  completion: { description: 'Print a shell completion script (bash, zsh or fish)', load: async () => (await import('./completion.js')).command },
};
