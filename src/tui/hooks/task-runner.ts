// Runs one bulk action at a time in the background (retry or delete every
// match, retry every dead job): its progress goes to the state, Esc stops it
// between two batches, and its end is one status line saying exactly what it
// did. Plain class; the App keeps one for its lifetime.
import { errorMessage } from '../../engine/errors.js';
import type { BulkControl } from '../data/actions.js';
import type { TopAction } from '../state/reducer.js';

const REPORT_EVERY_MS = 100;

export class TaskRunner {
  private controller: AbortController | undefined;

  constructor(
    private readonly dispatch: (action: TopAction) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get running(): boolean {
    return this.controller !== undefined;
  }

  /** Start `work`; `after` runs once it ended, whatever the outcome (e.g. to refresh). */
  start(label: string, work: (control: BulkControl) => Promise<string>, after?: () => void): void {
    const controller = new AbortController();
    this.controller = controller;
    this.dispatch({ type: 'task', task: { label, done: 0, total: 0 } });
    let last = 0;
    const onProgress = ({ done, total }: { done: number; total: number }) => {
      if (this.controller !== controller || this.now() - last < REPORT_EVERY_MS) return;
      last = this.now();
      this.dispatch({ type: 'task', task: { label, done, total } });
    };
    work({ signal: controller.signal, onProgress })
      .then(
        (text) => this.dispatch({ type: 'status', text, at: this.now() }),
        (error) => this.dispatch({ type: 'status', text: errorMessage(error), error: true, at: this.now() }),
      )
      .finally(() => {
        if (this.controller === controller) this.controller = undefined;
        this.dispatch({ type: 'task', task: undefined });
        after?.();
      });
  }

  /** Ask the running action to stop after its current batch; false when none runs. */
  cancel(): boolean {
    if (!this.controller) return false;
    this.controller.abort();
    return true;
  }
}
