import type { ObjectIssue } from './errors.js';

export const RUN_PROFILES = ['full-import', 'delta-import', 'full-sync', 'delta-sync', 'export'] as const;
export type RunProfile = (typeof RUN_PROFILES)[number];

/** Run step results in the sync engine's own vocabulary. */
export const RUN_STATUSES = [
  'in-progress',
  'success',
  'completed-no-objects',
  'completed-warnings',
  'completed-import-errors',
  'completed-sync-errors',
  'completed-export-errors',
  'stopped-connectivity',
  'stopped-server',
  'stopped-error-limit',
  'stopped-deletion-threshold-exceeded',
  'skipped-staging-mode',
  'stopped-extension-dll-exception',
  'stopped-interrupted',
  'no-start-connection',
  'no-start-credentials',
  'no-start-full-import-required',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_COUNTERS = [
  'adds',
  'updates',
  'renames',
  'deletes',
  'unchanged',
  'filtered',
  'joins',
  'projections',
  'provisions',
  'deprovisions',
  'disconnects',
  'exportAdds',
  'exportUpdates',
  'exportRenames',
  'exportDeletes',
  'errors',
] as const;
export type RunCounter = (typeof RUN_COUNTERS)[number];
export type RunCounters = Readonly<Record<RunCounter, number>>;

export function emptyCounters(): Record<RunCounter, number> {
  return Object.fromEntries(RUN_COUNTERS.map((c) => [c, 0])) as Record<RunCounter, number>;
}

/** The UI auto-stops a run at this many errors (`stopped-error-limit`). */
export const RUN_ERROR_LIMIT = 5000;

export interface RunRecord {
  readonly id: number;
  readonly connector: string;
  readonly runProfile: RunProfile;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly status: RunStatus;
  readonly counters: RunCounters;
  /** Run-level message: why it stopped, a fallback taken, `--force-export` used, ... */
  readonly message: string | null;
  readonly issueCount: number;
}

export interface RunIssue extends ObjectIssue {
  readonly runId: number;
}
