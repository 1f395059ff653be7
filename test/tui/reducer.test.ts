import { describe, expect, it } from 'vitest';
import type { JobEntry } from '../../src/engine/client/client.js';
import { bindingFor, resolveKey, KEYMAP, footerBindings } from '../../src/tui/keymap.js';
import { initialState, reducer, selectedJob, type TopAction } from '../../src/tui/state/reducer.js';
import type { ClusterSnapshot, TopState } from '../../src/tui/state/types.js';
import { frameOf } from '../../src/tui/state/layout.js';
import { confirmMessage, maxScroll, overlayLines } from '../../src/tui/state/overlay.js';
import { textWidth } from '../../src/support/fit.js';

const NOW = 1_800_000_000;

function deadJob(i: number): JobEntry {
  return { name: i % 2 ? 'email' : 'resize', id: `id${i}`, enqueuedAt: NOW - 100, args: { i }, unique: false, fails: 4, lastError: 'boom', failedAt: NOW - 10, score: NOW - 10, raw: '{}' };
}

function snapshot(deadTotal = 45): ClusterSnapshot {
  return {
    at: NOW * 1000,
    queues: ['a', 'b', 'c'].map((jobName) => ({ jobName, count: 1, latency: 1, paused: false, running: 0, maxConcurrency: 0, priority: 0, invalidOldest: false })),
    pools: [],
    observations: [],
    stats: [],
    counts: { retry: 0, scheduled: 0, dead: deadTotal },
    page: { set: 'dead', number: 1, result: { count: deadTotal, jobs: Array.from({ length: 20 }, (_, i) => deadJob(i)) } },
  };
}

function run(state: TopState, ...actions: TopAction[]): TopState {
  return actions.reduce(reducer, state);
}

const cmd = (command: TopAction & { type: 'command' } extends infer A ? (A extends { command: infer C } ? C : never) : never, input?: string): TopAction => ({
  type: 'command',
  command,
  ...(input ? { input } : {}),
});

describe('reducer', () => {
  it('switches views with Tab, Shift-Tab and number keys', () => {
    let s = initialState();
    expect(s.view).toBe('overview');
    s = run(s, cmd('next-view'));
    expect(s.view).toBe('queues');
    s = run(s, cmd('prev-view'), cmd('prev-view'));
    expect(s.view).toBe('stats');
    s = run(s, cmd('prev-view'));
    expect(s.view).toBe('dead');
    s = run(s, cmd('go-view', '3'));
    expect(s.view).toBe('pools');
  });

  it('moves the selection within the rows and clamps it', () => {
    let s = run(initialState({ view: 'queues' }), { type: 'snapshot', snapshot: snapshot() });
    s = run(s, cmd('down'), cmd('down'), cmd('down'), cmd('down'));
    expect(s.selected.queues).toBe(2);
    s = run(s, cmd('up'));
    expect(s.selected.queues).toBe(1);
    // A refresh with fewer rows pulls the selection back in range.
    s = run(s, { type: 'snapshot', snapshot: { ...snapshot(), queues: snapshot().queues.slice(0, 1) } });
    expect(s.selected.queues).toBe(0);
  });

  it('pages through a set view within its total', () => {
    let s = run(initialState({ view: 'dead' }), { type: 'snapshot', snapshot: snapshot(45) });
    s = run(s, cmd('next-page'), cmd('next-page'), cmd('next-page'));
    expect(s.pages.dead).toBe(3);
    s = run(s, cmd('prev-page'));
    expect(s.pages.dead).toBe(2);
    // The set shrank: the page follows it.
    s = run(s, { type: 'snapshot', snapshot: snapshot(5) });
    expect(s.pages.dead).toBe(1);
  });

  it('opens the selected job and goes back with Esc', () => {
    let s = run(initialState({ view: 'dead' }), { type: 'snapshot', snapshot: snapshot() }, cmd('down'), cmd('open'));
    expect(s.detail?.where === 'dead' && s.detail.entry.id).toBe('id1');
    expect(selectedJob(s)?.id).toBe('id1');
    s = run(s, cmd('down'));
    expect(s.detail?.where === 'dead' && s.detail.entry.id).toBe('id1'); // navigation is frozen while a job is open
    s = run(s, cmd('back'));
    expect(s.detail).toBeUndefined();
  });

  it('asks before retrying or deleting one job, naming it, and before acting on all dead jobs', () => {
    const base = run(initialState({ view: 'dead' }), { type: 'snapshot', snapshot: snapshot() });
    expect(run(base, cmd('delete-job')).confirm?.action).toEqual({ kind: 'delete-job', set: 'dead', id: 'id0', name: 'resize' });
    expect(run(base, cmd('down'), cmd('retry-job')).confirm?.action).toEqual({ kind: 'retry-job', id: 'id1', name: 'email' });
    expect(confirmMessage(run(base, cmd('retry-job')).confirm!.action, 79)).toBe('Retry dead job resize (id0)? (y/n)');
    expect(confirmMessage(run(base, cmd('retry-all-dead')).confirm!.action, 79)).toBe('Retry all 45 dead jobs? (y/n)');
    expect(run(base, cmd('delete-all-dead')).confirm?.action).toEqual({ kind: 'delete-all-dead', count: 45 });
    // While asking, other keys do nothing; Esc cancels.
    const asking = run(base, cmd('delete-all-dead'));
    expect(run(asking, cmd('next-view')).view).toBe('dead');
    expect(run(asking, cmd('down')).selected.dead).toBe(0);
    expect(run(asking, cmd('back')).confirm).toBeUndefined();
    // Retry applies to dead jobs only; an open job can be retried or deleted.
    expect(run(initialState({ view: 'retry' }), cmd('retry-job')).confirm).toBeUndefined();
    const open = run(base, cmd('down'), cmd('open'), cmd('retry-job'));
    expect(open.confirm?.action).toEqual({ kind: 'retry-job', id: 'id1', name: 'email' });
  });

  it('names the job in the question inertly, and cuts a long name in the middle to fit', () => {
    const hostile = confirmMessage({ kind: 'delete-job', set: 'dead', id: 'abc', name: 'x\x1b]0;owned\x07y' }, 79);
    expect(hostile).toBe('Delete dead job x\\x1b]0;owned\\x07y (abc)? (y/n)');
    const long = confirmMessage({ kind: 'retry-job', id: 'id-1', name: `reports_${'m'.repeat(200)}_eu` }, 60);
    expect(textWidth(long)).toBeLessThanOrEqual(60);
    expect(long).toMatch(/^Retry dead job reports_m+…m+_eu \(id-1\)\? \(y\/n\)$/);
  });

  it('filters with typed text, clears on cancel, and resets on view change', () => {
    let s = run(initialState({ view: 'queues' }), { type: 'snapshot', snapshot: snapshot() }, cmd('filter'));
    expect(s.filtering).toBe(true);
    s = run(s, { type: 'filter-key', input: 'b' }, { type: 'filter-key', input: 'x' }, { type: 'filter-key', input: '', backspace: true });
    expect(s.filter).toBe('b');
    s = run(s, { type: 'filter-key', input: '', done: true });
    expect(s).toMatchObject({ filtering: false, filter: 'b' });
    expect(run(s, cmd('go-view', '1')).filter).toBe('');
  });

  it('tracks the connection and keeps the last snapshot when Redis is lost', () => {
    let s = run(initialState(), { type: 'snapshot', snapshot: snapshot() });
    expect(s.connection).toBe('connected');
    s = run(s, { type: 'fetch-failed', error: 'ECONNREFUSED' });
    expect(s).toMatchObject({ connection: 'disconnected', lastError: 'ECONNREFUSED' });
    expect(s.snapshot).toBeDefined();
    expect(run(s, { type: 'snapshot', snapshot: snapshot() }).connection).toBe('connected');
  });

  it('toggles help, which swallows other keys until closed', () => {
    let s = run(initialState({ view: 'queues' }), cmd('help'));
    expect(s.help).toBe(true);
    expect(run(s, cmd('next-view')).view).toBe('queues');
    s = run(s, cmd('back'));
    expect(s.help).toBe(false);
  });

  it('scrolls help that is longer than a 60x15 screen, and no further than its end', () => {
    const small = { columns: 60, rows: 15 };
    let s = run(initialState({ view: 'dead', viewport: small }), cmd('help'));
    const lines = overlayLines(s)!;
    expect(lines.length).toBeGreaterThan(frameOf(small).bodyHeight);
    for (const line of lines) expect(textWidth(line.label + line.text)).toBeLessThanOrEqual(frameOf(small).width);
    s = run(s, cmd('down'), cmd('down'));
    expect(s.scroll).toBe(2);
    s = run(s, ...Array.from({ length: 20 }, () => cmd('next-page')));
    expect(s.scroll).toBe(maxScroll(s));
    expect(s.scroll).toBe(lines.length - (frameOf(small).bodyHeight - 1));
    s = run(s, cmd('prev-page'));
    expect(s.scroll).toBe(maxScroll(s) - (frameOf(small).bodyHeight - 1));
    s = run(s, ...Array.from({ length: 20 }, () => cmd('prev-page')), cmd('up'));
    expect(s.scroll).toBe(0);
    // A bigger screen holds it all: nothing to scroll.
    s = run(s, cmd('down'), { type: 'viewport', viewport: { columns: 120, rows: 50 } });
    expect(s.scroll).toBe(0);
  });

  it('scrolls an open job with a 5,000-character error', () => {
    const snap = snapshot();
    snap.page!.result.jobs[0] = { ...deadJob(0), lastError: 'E'.repeat(5000) };
    let s = run(initialState({ view: 'dead', viewport: { columns: 80, rows: 24 } }), { type: 'snapshot', snapshot: snap }, cmd('open'));
    expect(overlayLines(s)!.length).toBeGreaterThan(60);
    s = run(s, cmd('next-page'));
    expect(s.scroll).toBe(frameOf(s.viewport).bodyHeight - 1);
    s = run(s, cmd('back'));
    expect(s).toMatchObject({ detail: undefined, scroll: 0 });
  });
});

describe('keymap', () => {
  it('resolves keys per view; destructive bulk keys are uppercase', () => {
    expect(resolveKey({ input: 'p' }, 'queues')?.command).toBe('pause');
    expect(resolveKey({ input: 'p' }, 'dead')).toBeUndefined();
    expect(resolveKey({ input: 'R' }, 'dead')?.command).toBe('retry-all-dead');
    expect(resolveKey({ input: 'D' }, 'dead')?.command).toBe('delete-all-dead');
    expect(resolveKey({ input: '', downArrow: true }, 'pools')?.command).toBe('down');
    expect(resolveKey({ input: '', tab: true, shift: true }, 'pools')?.command).toBe('prev-view');
    for (const binding of KEYMAP.filter((b) => b.command.endsWith('all-dead'))) {
      expect(binding.keys).toBe(binding.keys.toUpperCase());
    }
  });

  it('keeps the footer within 80 columns in every view', () => {
    for (const view of ['overview', 'queues', 'pools', 'workers', 'retry', 'scheduled', 'dead', 'stats'] as const) {
      const line = footerBindings(view).map((b) => `${b.keys} ${b.label}`).join('  ');
      expect(line.length, view).toBeLessThanOrEqual(79);
    }
  });

  it('marks every key that changes Redis, and a read-only footer leaves them out', () => {
    expect(KEYMAP.filter((b) => b.acts).map((b) => b.command).sort()).toEqual(['delete-all-dead', 'delete-job', 'delete-matches', 'delete-queued-job', 'pause', 'purge-queue', 'retry-all-dead', 'retry-job', 'run-matches', 'run-now']);
    expect(bindingFor('delete-running').acts).toBeUndefined(); // it only says why there is no delete
    expect(footerBindings('dead', 'list', true).map((b) => b.keys)).toEqual(['q', '?', 'Enter', '/']);
    expect(footerBindings('queues', 'list', true).some((b) => b.acts)).toBe(false);
  });

  it('gives the help, an open job and a question only their own keys', () => {
    expect(resolveKey({ input: 'p' }, 'queues', 'help')).toBeUndefined();
    expect(resolveKey({ input: 'j' }, 'overview', 'help')?.command).toBe('down');
    expect(resolveKey({ input: 'r' }, 'dead', 'detail')?.command).toBe('retry-job');
    expect(resolveKey({ input: 'R' }, 'dead', 'detail')).toBeUndefined();
    expect(resolveKey({ input: '2' }, 'dead', 'detail')).toBeUndefined();
    expect(resolveKey({ input: '', escape: true }, 'dead', 'confirm')?.command).toBe('back');
  });
});
