import type { ObjectIssue } from '../../core/errors.js';
import type { RunCounters, RunIssue, RunProfile, RunRecord, RunStatus } from '../../core/run-history.js';

/** A `runs` row with its issue count. */
export interface RunRow {
  id: number;
  connector: string;
  run_profile: string;
  started_at: string;
  ended_at: string | null;
  status: string;
  counters: string;
  message: string | null;
  issue_count: number;
}

/** A `run_issues` row. */
export interface RunIssueRow {
  run_id: number;
  seq: number;
  code: string;
  message: string;
  cs_id: string | null;
  mv_id: string | null;
  dn: string | null;
  rule: string | null;
  attribute: string | null;
}

/** The run record of a `runs` row. */
export function rowToRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    connector: row.connector,
    runProfile: row.run_profile as RunProfile,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status as RunStatus,
    counters: JSON.parse(row.counters) as RunCounters,
    message: row.message,
    issueCount: row.issue_count,
  };
}

/** Positional parameters of `runIssueInsert` after run id and sequence. */
export function issueParams(issue: ObjectIssue): (string | null)[] {
  return [
    issue.code,
    issue.message,
    issue.csId ?? null,
    issue.mvId ?? null,
    issue.dn ?? null,
    issue.rule ?? null,
    issue.attribute ?? null,
  ];
}

/** The run issue of a row; optional fields that are NULL stay absent. */
export function rowToIssue(row: RunIssueRow): RunIssue {
  const issue: { -readonly [K in keyof RunIssue]: RunIssue[K] } = {
    runId: row.run_id,
    code: row.code,
    message: row.message,
  };
  if (row.cs_id !== null) issue.csId = row.cs_id;
  if (row.mv_id !== null) issue.mvId = row.mv_id;
  if (row.dn !== null) issue.dn = row.dn;
  if (row.rule !== null) issue.rule = row.rule;
  if (row.attribute !== null) issue.attribute = row.attribute;
  return issue;
}
