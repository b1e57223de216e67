import { UsageError } from '../../core/errors.js';
import { parseCommandArgs, requirePositional } from '../args.js';
import { openRuntime } from '../compose.js';
import { EXIT, writeJson, writeLine, type CliIo, type ExitCode } from '../io.js';
import { formatPendingCounts, help } from './run-commands.js';

export const STAGING_HELP = `Usage: idsync staging status|enable|disable [--config FILE] [--json]

Staging mode: this server imports and synchronizes but never exports (unless an export is forced with
"idsync run <connector> export --force-export"). A new server starts in staging mode.
  status    shows StagingModeEnabled and what promoting this server would export now
  enable    turns staging mode on (this server stops exporting)
  disable   turns staging mode off (this server exports on its next cycle)`;

export async function stagingCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('staging', args, {});
  if (values.help) return help(io, STAGING_HELP);
  const verb = requirePositional('staging', positionals, 0, 'status|enable|disable');
  if (!['status', 'enable', 'disable'].includes(verb)) {
    throw new UsageError(`idsync staging: expected status, enable or disable, got "${verb}"`);
  }
  const runtime = await openRuntime(io, values.config, verb !== 'status', `staging ${verb}`);
  try {
    if (verb !== 'status') await runtime.engine.setStagingMode(verb === 'enable');
    const isEnabled = await runtime.engine.isStagingMode();
    const pending: Record<string, Record<string, number>> = {};
    for (const name of runtime.ctx.connectorOrder) pending[name] = await runtime.store.countPendingExports(name);
    if (values.json) {
      writeJson(io, { StagingModeEnabled: isEnabled, pendingExports: pending });
      return EXIT.ok;
    }
    writeLine(io.stdout, `StagingModeEnabled : ${isEnabled ? 'True' : 'False'}`);
    const summary = Object.entries(pending)
      .map(([name, counts]) => `${name}: ${formatPendingCounts(counts)}`)
      .join('; ');
    writeLine(io.stdout, `${isEnabled ? 'Promoting this server now would export' : 'Pending exports'}: ${summary}`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
