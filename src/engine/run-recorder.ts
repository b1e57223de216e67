import type { ObjectIssue } from '../core/errors.js';
import {
  emptyCounters,
  RUN_ERROR_LIMIT,
  type RunCounter,
  type RunCounters,
  type RunProfile,
  type RunStatus,
} from '../core/run-history.js';
import type { StateStore } from '../core/state-store.js';

/** What one run profile execution did. */
export interface RunSummary {
  readonly runId: number;
  readonly connector: string;
  readonly runProfile: RunProfile;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly counters: RunCounters;
  readonly message: string | null;
}

/**
 * Collects counters and per-object issues for one run. Issues are handed to the store in the same
 * change set as the data they concern (`takeIssues`), so run history and state never disagree.
 */
export class RunRecorder {
  readonly counters = emptyCounters();
  private pendingIssues: ObjectIssue[] = [];
  private issueTotal = 0;
  private readonly messages: string[] = [];

  private constructor(
    private readonly store: StateStore,
    readonly runId: number,
    readonly connector: string,
    readonly runProfile: RunProfile,
    readonly startedAt: string,
    private readonly now: () => Date,
  ) {}

  static async start(
    store: StateStore,
    connector: string,
    runProfile: RunProfile,
    now: () => Date,
  ): Promise<RunRecorder> {
    const startedAt = now().toISOString();
    const runId = await store.startRun({ connector, runProfile, startedAt });
    return new RunRecorder(store, runId, connector, runProfile, startedAt, now);
  }

  count(counter: RunCounter, by = 1): void {
    this.counters[counter] += by;
  }

  issue(issue: ObjectIssue): void {
    this.counters.errors++;
    this.issueTotal++;
    if (this.issueTotal <= RUN_ERROR_LIMIT) this.pendingIssues.push(issue);
  }

  get errorLimitReached(): boolean {
    return this.issueTotal >= RUN_ERROR_LIMIT;
  }

  note(message: string): void {
    this.messages.push(message);
  }

  /** Issues not yet written; include them in the next change set. */
  takeIssues(): { runId: number; issues: ObjectIssue[] } | undefined {
    if (this.pendingIssues.length === 0) return undefined;
    const issues = this.pendingIssues;
    this.pendingIssues = [];
    return { runId: this.runId, issues };
  }

  async finish(status: RunStatus): Promise<RunSummary> {
    const leftover = this.takeIssues();
    if (leftover) await this.store.apply({ runIssues: leftover });
    const endedAt = this.now().toISOString();
    const message = this.messages.length > 0 ? this.messages.join(' ') : null;
    const counters: RunCounters = { ...this.counters };
    await this.store.finishRun(this.runId, { status, endedAt, counters, message });
    return {
      runId: this.runId,
      connector: this.connector,
      runProfile: this.runProfile,
      status,
      startedAt: this.startedAt,
      endedAt,
      counters,
      message,
    };
  }
}
