import type { Reporter } from 'vitest/reporters';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

function tally(tasks: readonly Task[], counts: { passed: number; failed: number; skipped: number }): void {
  for (const task of tasks) {
    if (task.tasks) tally(task.tasks, counts);
    if (task.type !== 'test') continue;
    if (task.result?.state === 'fail') counts.failed++;
    else if (task.result?.state === 'pass') counts.passed++;
    else counts.skipped++;
  }
}

/**
 * Ends the run with one plain line, `Tests: N passed, N failed, N skipped`, that CI reads whatever
 * the terminal's colours (vitest's own summary is styled).
 */
export default class PlainSummaryReporter implements Reporter {
  onFinished(files: readonly Task[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    tally(files, counts);
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
