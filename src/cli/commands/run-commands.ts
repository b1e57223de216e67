import { RUN_COUNTERS, RUN_PROFILES, type RunProfile, type RunStatus } from '../../core/run-history.js';
import { UsageError } from '../../core/errors.js';
import { SYNC_CYCLE_POLICIES, type CycleSummary, type SyncCyclePolicy } from '../../engine/sync-engine.js';
import type { RunSummary } from '../../engine/run-recorder.js';
import { parseCommandArgs, requirePositional } from '../args.js';
import { clearProgress, openRuntime } from '../compose.js';
import { EXIT, renderTable, writeJson, writeLine, type CliIo, type ExitCode } from '../io.js';

export const RUN_HELP = `Usage: idsync run <connector> <profile> [--force-export] [--config FILE] [--json]

Runs one run profile on one connector.
Profiles: ${RUN_PROFILES.join(', ')}
  full-import    read every object; objects the directory no longer has become pending deletes
  delta-import   read changes since the watermark (falls back to a full import when there is none)
  full-sync      re-evaluate every object of the connector space against the sync rules
  delta-sync     synchronize objects with pending imports
  export         send pending exports (refused in staging mode unless --force-export)

Exit: 0 success, 1 completed with errors, 2 usage/config error, 3 directory or store unavailable,
      4 refused by a safety gate (staging mode, deletion threshold).`;

export const CYCLE_HELP = `Usage: idsync cycle [--policy delta|initial] [--config FILE] [--json]

Runs a sync cycle over every connector in configuration order: all imports, then all syncs, then all
exports. Initial = full import + full sync; Delta = delta import + delta sync. Without --policy the
server's NextSyncCyclePolicyType applies (Initial after the sync rules change). In staging mode the
export step is held back and the pending exports are reported instead (exit 0).`;

/** Exit code for a run's status. */
export function exitCodeFor(status: RunStatus): ExitCode {
  if (status === 'stopped-deletion-threshold-exceeded') return EXIT.refused;
  if (status === 'stopped-connectivity' || status.startsWith('no-start')) return EXIT.unavailable;
  if (status.startsWith('completed-') && status !== 'completed-no-objects') return EXIT.completedWithErrors;
  if (status.startsWith('stopped-')) return EXIT.completedWithErrors;
  return EXIT.ok;
}

export function worstExit(codes: readonly ExitCode[]): ExitCode {
  const order: ExitCode[] = [EXIT.ok, EXIT.completedWithErrors, EXIT.refused, EXIT.unavailable];
  return codes.reduce<ExitCode>((worst, code) => (order.indexOf(code) > order.indexOf(worst) ? code : worst), EXIT.ok);
}

export function renderRuns(runs: readonly RunSummary[]): string {
  const rows = runs.map((run) => {
    const seconds = ((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1);
    const counters = RUN_COUNTERS.filter((c) => run.counters[c] > 0)
      .map((c) => `${c}=${run.counters[c]}`)
      .join(' ');
    return [run.connector, run.runProfile, run.status, `${seconds}s`, counters || '-'];
  });
  const table = renderTable(['connector', 'run profile', 'status', 'time', 'counters'], rows);
  const notes = runs.filter((r) => r.message).map((r) => `${r.connector} ${r.runProfile}: ${r.message}`);
  return notes.length > 0 ? `${table}\n\n${notes.join('\n')}` : table;
}

export async function runCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('run', args, { 'force-export': { type: 'boolean' } });
  if (values.help) return help(io, RUN_HELP);
  const connector = requirePositional('run', positionals, 0, 'connector');
  const profile = requirePositional('run', positionals, 1, 'profile');
  if (!(RUN_PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(`idsync run: unknown run profile "${profile}"; expected one of ${RUN_PROFILES.join(', ')}`);
  }
  const runtime = await openRuntime(io, values.config, true, `run ${connector} ${profile}`);
  try {
    const summary = await runtime.engine.run(connector, profile as RunProfile, {
      isExportForced: values['force-export'] ?? false,
    });
    clearProgress(io);
    if (values.json) writeJson(io, summary);
    else writeLine(io.stdout, renderRuns([summary]));
    return exitCodeFor(summary.status);
  } finally {
    await runtime.close();
  }
}

export async function cycleCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values } = parseCommandArgs('cycle', args, { policy: { type: 'string' } });
  if (values.help) return help(io, CYCLE_HELP);
  const policy = values.policy?.toLowerCase();
  if (policy !== undefined && !(SYNC_CYCLE_POLICIES as readonly string[]).includes(policy)) {
    throw new UsageError(`idsync cycle: --policy must be delta or initial, got "${values.policy}"`);
  }
  const runtime = await openRuntime(io, values.config, true, 'cycle');
  try {
    const summary = await runtime.engine.cycle(policy as SyncCyclePolicy | undefined);
    clearProgress(io);
    if (values.json) writeJson(io, summary);
    else writeLine(io.stdout, renderCycle(summary));
    return worstExit(summary.runs.map((r) => exitCodeFor(r.status)));
  } finally {
    await runtime.close();
  }
}

export function renderCycle(summary: CycleSummary): string {
  const lines = [`${summary.policy === 'initial' ? 'Initial' : 'Delta'} sync cycle`, '', renderRuns(summary.runs)];
  if (summary.heldBack) {
    lines.push('', 'Staging mode is enabled: exports were held back. Pending exports:');
    for (const held of summary.heldBack) lines.push(`  ${held.connector}: ${formatPendingCounts(held.pending)}`);
  }
  return lines.join('\n');
}

export function formatPendingCounts(pending: Readonly<Record<string, number>>): string {
  const order = ['add', 'update', 'rename', 'delete'];
  const keys = [...new Set([...order, ...Object.keys(pending)])];
  return keys.map((k) => `${pending[k] ?? 0} ${k}${(pending[k] ?? 0) === 1 ? '' : 's'}`).join(', ');
}

export function help(io: CliIo, text: string): ExitCode {
  writeLine(io.stdout, text);
  return EXIT.ok;
}
