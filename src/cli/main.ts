import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, ConnectorError, SafetyGateError, StoreError, UsageError } from '../core/errors.js';
import { cycleCommand, runCommand } from './commands/run-commands.js';
import { csCommand, historyCommand, mvCommand, statusCommand } from './commands/inspect-commands.js';
import { stagingCommand } from './commands/staging-command.js';
import { quickstartCommand } from './commands/quickstart-command.js';
import { REPORT_COMMANDS } from './commands/report-commands.js';
import { EXIT, writeLine, type CliIo, type ExitCode } from './io.js';

type Command = (io: CliIo, args: readonly string[]) => Promise<ExitCode>;

const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  run: { run: runCommand, summary: 'run one run profile on one connector' },
  cycle: { run: cycleCommand, summary: 'run a sync cycle: imports, syncs, exports' },
  status: { run: statusCommand, summary: 'server settings and per-connector state' },
  staging: { run: stagingCommand, summary: 'staging mode: status, enable, disable' },
  cs: { run: csCommand, summary: 'show or search a connector space' },
  mv: { run: mvCommand, summary: 'search or show the metaverse' },
  history: { run: historyCommand, summary: 'run history' },
  ...REPORT_COMMANDS,
  quickstart: { run: quickstartCommand, summary: 'run the bundled example (what `npm start` does)' },
};

export const MAIN_HELP = `Usage: idsync <command> [options]

idsync synchronizes identities from on-premises directories to cloud directories, in the model of
Microsoft Entra Connect Sync. Every command takes --config FILE (default ./idsync.yaml or
$IDSYNC_CONFIG), --json and --help.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(16)}${c.summary}`)
  .join('\n')}

Exit codes: 0 success, 1 completed with errors, 2 usage or configuration error,
            3 a directory or the store unavailable, 4 refused by a safety gate.`;

/** Runs the CLI; returns the exit code. The one place errors become exit codes. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(io.stdout, MAIN_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `idsync: unknown command "${name}". Run "idsync --help" for the list.`);
    return EXIT.usage;
  }
  try {
    return await command.run(io, args);
  } catch (error) {
    return reportError(io, error);
  }
}

function reportError(io: CliIo, error: unknown): ExitCode {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ConfigError || error instanceof UsageError) {
    writeLine(io.stderr, `idsync: ${message}`);
    return EXIT.usage;
  }
  if (error instanceof SafetyGateError) {
    writeLine(io.stderr, `idsync: ${message}`);
    return EXIT.refused;
  }
  if (error instanceof ConnectorError || error instanceof StoreError) {
    writeLine(io.stderr, `idsync: ${message}`);
    return EXIT.unavailable;
  }
  writeLine(io.stderr, `idsync: internal error: ${error instanceof Error ? (error.stack ?? message) : message}`);
  return EXIT.completedWithErrors;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
