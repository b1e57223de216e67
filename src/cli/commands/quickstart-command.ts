import { access, cp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../args.js';
import { clearProgress, openRuntime } from '../compose.js';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../io.js';
import { exitCodeFor, formatPendingCounts, help, renderCycle, worstExit } from './run-commands.js';

export const QUICKSTART_HELP = `Usage: idsync quickstart [--dir DIR] [--reset] [--json]

Copies the bundled example (examples/quickstart: an on-premises LDIF directory and a cloud
directory file) to DIR (default ./data/quickstart) unless it is already there, and runs a sync
cycle with the default rules. The server starts in staging mode, so nothing is exported: the
summary shows what would be. Run it again for a delta cycle; --reset starts over.`;

/** The package's examples folder, found from this file in src/ or dist/. */
function examplesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function quickstartCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values } = parseCommandArgs('quickstart', args, { dir: { type: 'string' }, reset: { type: 'boolean' } });
  if (values.help) return help(io, QUICKSTART_HELP);
  const dir = resolve(io.cwd, values.dir ?? join('data', 'quickstart'));
  const configFile = join(dir, 'idsync.yaml');
  if (values.reset) await rm(dir, { recursive: true, force: true });
  if (!(await exists(configFile))) await cp(join(examplesDir(), 'quickstart'), dir, { recursive: true });
  const runtime = await openRuntime(io, configFile, true, 'quickstart');
  try {
    const summary = await runtime.engine.cycle();
    clearProgress(io);
    const pending: Record<string, Record<string, number>> = {};
    for (const name of runtime.ctx.connectorOrder) pending[name] = await runtime.store.countPendingExports(name);
    if (values.json) {
      writeJson(io, { ...summary, pendingExports: pending, config: configFile });
    } else {
      writeLine(io.stdout, renderCycle(summary));
      if (!summary.heldBack) {
        writeLine(io.stdout, '\nPending exports per connector:');
        for (const [name, counts] of Object.entries(pending))
          writeLine(io.stdout, `  ${name}: ${formatPendingCounts(counts)}`);
      }
      writeLine(io.stdout);
      writeLine(io.stdout, `Config: ${configFile}. Next, try:`);
      writeLine(io.stdout, `  npx idsync status --config ${configFile}`);
      writeLine(io.stdout, `  npx idsync pending cloud --config ${configFile}`);
      writeLine(
        io.stdout,
        `  npx idsync staging disable --config ${configFile} && npx idsync cycle --config ${configFile}`,
      );
    }
    return worstExit(summary.runs.map((r) => exitCodeFor(r.status)));
  } finally {
    await runtime.close();
  }
}
