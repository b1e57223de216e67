import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';
import type { CsObject } from '../../core/connector-space.js';
import { UsageError } from '../../core/errors.js';
import type { CsQuery, StateStore } from '../../core/state-store.js';
import {
  analyzeExport,
  parseCsExportFilter,
  parseCsExportParts,
  parsePendingOperations,
  PENDING_FORMATS,
  runCsAnalyzer,
  summarizePending,
  writeCsExport,
  writePendingReport,
  type PendingCounts,
  type PendingFormat,
} from '../../reports/index.js';
import { parseCommandArgs, parsePositiveInt, requirePositional } from '../args.js';
import { openRuntime, type Runtime } from '../compose.js';
import { EXIT, writeJson, writeLine, type CliIo, type ExitCode } from '../io.js';
import { help } from './run-commands.js';

type Command = (io: CliIo, args: readonly string[]) => Promise<ExitCode>;

export const CSEXPORT_HELP = `Usage: idsync csexport <connector> <file.xml> [--filter x|e|i|m|s|d=<DN or anchor>|g=<GUID>] [--parts e,b,h,d,p]

Writes the connector space in Microsoft's Connector Space Export XML (csexport.exe's format: one
line, cs-objects/cs-object with the tower), streamed, written atomically. Microsoft's own spellings
work too: idsync csexport cloud export.xml /f:x /o:ehd
  --filter x   objects with pending exports (the staging-server check)   e  export errors
           i   import errors   m  pending imports   s  disconnectors
           d=  one object by DN or anchor            g=  one object by GUID
  --parts  e errors, b only the synchronized hologram, h all holograms, d all deltas, p password history`;

export const EXPORT_ANALYZER_HEADER_HELP = `Usage: idsync export-analyzer <file.xml> [--out FILE]

CSExportAnalyzer's job: reads a csexport file (ours or Microsoft's) and writes CSV, one row per
attribute change, to stdout (or --out): Object Identifier, DN, Object Type, OMODT, Attribute Name,
AMODT, Values Added Count, Values Removed Count, Values Added, Values Removed; then a Totals row.`;

export const CSANALYZER_HELP = `Usage: idsync csanalyzer <file.xml> [--batch-size 1000] [--out-dir DIR]

csanalyzer.ps1's job, with its defects fixed: writes processedbatch1.csv, processedbatch2.csv, ...
with the columns "ID","Type","DN","operation","UPN","displayName","sourceAnchor","alias",
"primarySMTP","onPremisesSamAccountName","mail" (deletes carry their identifiers).`;

export const PENDING_HELP = `Usage: idsync pending [<connector>] [--format table|csv|json|html] [--operation add,update,rename,delete] [--out FILE]

Every pending export of a connector with the object's identifiers and, per attribute, old value →
new value and the sync rule that produced it. html is one self-contained page (no network needed).
Without a connector: the one-line summary of what promoting this server would export right now.`;

/** Writes to `path` through a temp file in the same folder, renamed into place when complete. */
async function writeAtomically(path: string, produce: (out: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const out = createWriteStream(temp);
  try {
    await produce(out);
    out.end();
    await once(out, 'finish');
    await rename(temp, path);
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

async function* scan(store: StateStore, connector: string, query: CsQuery): AsyncIterable<CsObject> {
  for await (const page of store.scanCs(connector, query, 500)) yield* page;
}

async function* byGuid(store: StateStore, connector: string, guid: string): AsyncIterable<CsObject> {
  for (const cs of await store.getCsObjects([guid.toUpperCase()])) if (cs.connector === connector) yield cs;
}

function requireConnector(runtime: Runtime, command: string, connector: string): void {
  if (!runtime.ctx.connectors.has(connector)) {
    throw new UsageError(
      `idsync ${command}: no connector named "${connector}"; configured: ${runtime.ctx.connectorOrder.join(', ')}`,
    );
  }
}

async function openInput(command: string, path: string): Promise<NodeJS.ReadableStream> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    throw new UsageError(`idsync ${command}: cannot read input file ${path}`);
  }
  return createReadStream(path);
}

const csexportCommand: Command = async (io, args) => {
  const { values, positionals } = parseCommandArgs('csexport', args, {
    filter: { type: 'string' },
    parts: { type: 'string' },
  });
  if (values.help) return help(io, CSEXPORT_HELP);
  const msFilter = positionals.find((p) => /^\/f:?/i.test(p));
  const msParts = positionals.find((p) => /^\/o:?/i.test(p));
  const [connector, file] = positionals.filter((p) => p !== msFilter && p !== msParts);
  requirePositional('csexport', [connector ?? ''], 0, 'connector');
  const path = resolve(io.cwd, requirePositional('csexport', [file ?? ''], 0, 'file.xml'));
  const filter = values.filter ?? msFilter;
  const parts = values.parts ?? msParts;
  const runtime = await openRuntime(io, values.config, false, 'csexport');
  try {
    requireConnector(runtime, 'csexport', connector as string);
    let selection = filter !== undefined ? parseCsExportFilter(filter) : { query: {} };
    // csexport's /f:d= names one object "by DN or anchor": try the value as a DN first.
    const byDn = 'query' in selection ? selection.query.dn : undefined;
    if (byDn !== undefined && (await runtime.store.countCs(connector as string, { dn: byDn })) === 0) {
      selection = { query: { anchor: byDn } };
    }
    const objects =
      'guid' in selection
        ? byGuid(runtime.store, connector as string, selection.guid)
        : scan(runtime.store, connector as string, selection.query);
    let written = 0;
    await writeAtomically(path, async (out) => {
      const result = await writeCsExport(objects, out, {
        connector: connector as string,
        ...(parts !== undefined ? { parts: parseCsExportParts(parts) } : {}),
      });
      written = result.objects;
    });
    if (values.json) writeJson(io, { file: path, objects: written });
    else writeLine(io.stdout, `wrote ${written} objects to ${path}`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
};

const exportAnalyzerCommand: Command = async (io, args) => {
  const { values, positionals } = parseCommandArgs('export-analyzer', args, { out: { type: 'string' } });
  if (values.help) return help(io, EXPORT_ANALYZER_HEADER_HELP);
  const input = await openInput(
    'export-analyzer',
    resolve(io.cwd, requirePositional('export-analyzer', positionals, 0, 'file.xml')),
  );
  if (values.out === undefined) {
    await analyzeExport(input, io.stdout);
    return EXIT.ok;
  }
  await writeAtomically(resolve(io.cwd, values.out), async (out) => {
    await analyzeExport(input, out);
  });
  return EXIT.ok;
};

const csanalyzerCommand: Command = async (io, args) => {
  const { values, positionals } = parseCommandArgs('csanalyzer', args, {
    'batch-size': { type: 'string' },
    'out-dir': { type: 'string' },
  });
  if (values.help) return help(io, CSANALYZER_HELP);
  const input = await openInput(
    'csanalyzer',
    resolve(io.cwd, requirePositional('csanalyzer', positionals, 0, 'file.xml')),
  );
  const result = await runCsAnalyzer(input, {
    outDir: resolve(io.cwd, values['out-dir'] ?? '.'),
    batchSize: parsePositiveInt('csanalyzer', 'batch-size', values['batch-size'], 1000),
  });
  if (values.json) writeJson(io, result);
  else writeLine(io.stdout, `${result.message}${result.files.length > 0 ? `\n${result.files.join('\n')}` : ''}`);
  return EXIT.ok;
};

async function pendingCounts(runtime: Runtime): Promise<[string, PendingCounts][]> {
  const out: [string, PendingCounts][] = [];
  for (const name of runtime.ctx.connectorOrder) {
    const counts = await runtime.store.countPendingExports(name);
    out.push([
      name,
      { adds: counts.add ?? 0, updates: counts.update ?? 0, renames: counts.rename ?? 0, deletes: counts.delete ?? 0 },
    ]);
  }
  return out;
}

const pendingCommand: Command = async (io, args) => {
  const { values, positionals } = parseCommandArgs('pending', args, {
    format: { type: 'string' },
    operation: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return help(io, PENDING_HELP);
  const format = (values.format ?? (values.json ? 'json' : 'table')) as PendingFormat;
  if (!(PENDING_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`idsync pending: --format must be one of ${PENDING_FORMATS.join(', ')}, got "${format}"`);
  }
  const operations = values.operation !== undefined ? parsePendingOperations(values.operation) : undefined;
  const runtime = await openRuntime(io, values.config, false, 'pending');
  try {
    const summary = summarizePending(await pendingCounts(runtime));
    const connector = positionals[0];
    if (connector === undefined) {
      writeLine(io.stdout, summary);
      return EXIT.ok;
    }
    requireConnector(runtime, 'pending', connector);
    const options = { format, connector, ...(operations ? { operations } : {}) };
    const objects = scan(runtime.store, connector, { hasPendingExport: true });
    if (values.out !== undefined) {
      const path = resolve(io.cwd, values.out);
      await writeAtomically(path, async (out) => {
        await writePendingReport(objects, out, options);
      });
      writeLine(io.stderr, `wrote ${path}`);
    } else {
      await writePendingReport(objects, io.stdout, options);
    }
    if (format === 'table') writeLine(io.stdout, `\n${summary}`);
    else writeLine(io.stderr, summary);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
};

/** Report commands: Microsoft-compatible verification files and idsync's own pending report. */
export const REPORT_COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  pending: { run: pendingCommand, summary: 'pending exports: old → new per attribute (table, csv, json, html)' },
  csexport: { run: csexportCommand, summary: "connector space as Microsoft's csexport XML (/f:x /o:ehd)" },
  'export-analyzer': { run: exportAnalyzerCommand, summary: "CSExportAnalyzer's CSV from a csexport file" },
  csanalyzer: { run: csanalyzerCommand, summary: "csanalyzer.ps1's identifier CSVs, defects fixed" },
};
