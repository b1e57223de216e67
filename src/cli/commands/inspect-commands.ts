import { currentImage, type CsObject } from '../../core/connector-space.js';
import { UsageError } from '../../core/errors.js';
import type { MvObject } from '../../core/metaverse.js';
import type { CsQuery } from '../../core/state-store.js';
import { valueToText, type Attributes } from '../../core/values.js';
import { parseCommandArgs, parsePositiveInt, requirePositional } from '../args.js';
import { openRuntime } from '../compose.js';
import { EXIT, renderTable, writeJson, writeLine, type CliIo, type ExitCode } from '../io.js';
import { formatPendingCounts, help } from './run-commands.js';

export const STATUS_HELP = `Usage: idsync status [--config FILE] [--json]

Shows the server settings (StagingModeEnabled, NextSyncCyclePolicyType) and, per connector, the
connector-space size, pending imports, pending exports per operation, export errors and the last run.`;

export const CS_HELP = `Usage: idsync cs show <connector> (--dn DN | --anchor ANCHOR | --id GUID) [--json]
       idsync cs search <connector> [--pending-export] [--pending-import] [--export-errors]
                        [--import-errors] [--disconnectors] [--object-type T] [--limit N] [--json]

Shows one connector-space object with its whole tower, or lists objects matching the criteria.`;

export const MV_HELP = `Usage: idsync mv search [--object-type T] [--attribute NAME --value TEXT] [--limit N] [--json]
       idsync mv show <id> [--json]

Searches the metaverse; an attribute match is case-insensitive. show prints an object with the
connector and sync rule that contributed each attribute, and its linked connector-space objects.`;

export const HISTORY_HELP = `Usage: idsync history [--last N] [--connector NAME] [--run ID] [--json]

Lists run history, newest first (default the last 20 runs); --run shows one run with its per-object errors.`;

export async function statusCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values } = parseCommandArgs('status', args, {});
  if (values.help) return help(io, STATUS_HELP);
  const runtime = await openRuntime(io, values.config, false, 'status');
  try {
    const status = await runtime.engine.status();
    if (values.json) {
      writeJson(io, status);
      return EXIT.ok;
    }
    writeLine(io.stdout, `StagingModeEnabled      : ${status.stagingModeEnabled ? 'True' : 'False'}`);
    writeLine(io.stdout, `NextSyncCyclePolicyType : ${status.nextSyncCyclePolicyType}`);
    writeLine(io.stdout, `Metaverse objects       : ${status.metaverseObjects}`);
    writeLine(io.stdout);
    const rows = status.connectors.map((c) => [
      c.name,
      String(c.objects),
      String(c.connectors),
      String(c.pendingImports),
      formatPendingCounts(c.pendingExports),
      String(c.exportErrors),
      c.lastRun ? `${c.lastRun.runProfile} ${c.lastRun.status} ${c.lastRun.endedAt ?? ''}` : 'never run',
    ]);
    writeLine(
      io.stdout,
      renderTable(
        ['connector', 'objects', 'joined', 'pending imports', 'pending exports', 'export errors', 'last run'],
        rows,
      ),
    );
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

function attributesText(attributes: Attributes, indent: string): string[] {
  return Object.keys(attributes)
    .sort()
    .map((name) => `${indent}${name}: ${(attributes[name] ?? []).map(valueToText).join(' | ')}`);
}

export function renderCsObject(cs: CsObject): string {
  const lines = [
    `id: {${cs.id}}`,
    `connector: ${cs.connector}`,
    `dn: ${cs.dn}`,
    `anchor: ${cs.anchor ?? '(none yet)'}`,
    `object type: ${cs.objectType}`,
    `state: ${cs.mvId ? `connector, joined to metaverse object ${cs.mvId} by "${cs.linkRule ?? ''}"` : 'disconnector'} (${cs.connectorState})`,
  ];
  const image = cs.synchronizedHologram;
  if (image) lines.push('synchronized hologram:', ...attributesText(image.attributes, '  '));
  if (cs.pendingImport) {
    lines.push(`pending import (${cs.pendingImport.operation}):`);
    if (cs.pendingImport.entry) lines.push(...attributesText(cs.pendingImport.entry.attributes, '  '));
  }
  for (const [label, delta] of [
    ['unapplied export', cs.unappliedExport],
    ['escrowed export', cs.escrowedExport],
  ] as const) {
    if (!delta) continue;
    lines.push(`${label} (${delta.operation}${delta.newDn ? ` to ${delta.newDn}` : ''}):`);
    for (const change of delta.changes) {
      const values =
        change.operation === 'update'
          ? `+[${change.add.map(valueToText).join(' | ')}] -[${change.remove.map(valueToText).join(' | ')}]`
          : change.operation === 'delete'
            ? ''
            : change.values.map(valueToText).join(' | ');
      lines.push(`  ${change.operation} ${change.name}: ${values}`);
    }
  }
  if (cs.exportError)
    lines.push(
      `export error: ${cs.exportError.type}: ${cs.exportError.message} (retries ${cs.exportError.retryCount})`,
    );
  if (cs.importError) lines.push(`import error: ${cs.importError.type}: ${cs.importError.message}`);
  return lines.join('\n');
}

export async function csCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('cs', args, {
    dn: { type: 'string' },
    anchor: { type: 'string' },
    id: { type: 'string' },
    'pending-export': { type: 'boolean' },
    'pending-import': { type: 'boolean' },
    'export-errors': { type: 'boolean' },
    'import-errors': { type: 'boolean' },
    disconnectors: { type: 'boolean' },
    'object-type': { type: 'string' },
    limit: { type: 'string' },
  });
  if (values.help) return help(io, CS_HELP);
  const verb = requirePositional('cs', positionals, 0, 'show|search');
  if (verb !== 'show' && verb !== 'search')
    throw new UsageError(`idsync cs: expected "show" or "search", got "${verb}"`);
  const connector = requirePositional('cs', positionals, 1, 'connector');
  const runtime = await openRuntime(io, values.config, false, 'cs');
  try {
    if (!runtime.ctx.connectors.has(connector)) throw new UsageError(`idsync cs: no connector named "${connector}"`);
    if (verb === 'show') {
      let found: CsObject | undefined;
      if (values.id) [found] = await runtime.store.getCsObjects([values.id.replace(/[{}]/g, '').toUpperCase()]);
      else if (values.dn) found = [...(await runtime.store.findCsByDns(connector, [values.dn])).values()][0];
      else if (values.anchor)
        found = (await runtime.store.findCsByAnchors(connector, [values.anchor])).get(values.anchor);
      else throw new UsageError('idsync cs show: give --dn, --anchor or --id');
      if (!found) {
        writeLine(io.stderr, `idsync cs show: no such object in connector "${connector}"`);
        return EXIT.completedWithErrors;
      }
      if (values.json) writeJson(io, found);
      else writeLine(io.stdout, renderCsObject(found));
      return EXIT.ok;
    }
    const query: CsQuery = {
      ...(values['pending-export'] ? { hasPendingExport: true } : {}),
      ...(values['pending-import'] ? { hasPendingImport: true } : {}),
      ...(values['export-errors'] ? { hasExportError: true } : {}),
      ...(values['import-errors'] ? { hasImportError: true } : {}),
      ...(values.disconnectors ? { isConnector: false } : {}),
      ...(values['object-type'] ? { objectType: values['object-type'] } : {}),
      ...(values.dn ? { dn: values.dn } : {}),
      ...(values.anchor ? { anchor: values.anchor } : {}),
    };
    const limit = parsePositiveInt('cs search', 'limit', values.limit, 100);
    const found: CsObject[] = [];
    for await (const page of runtime.store.scanCs(connector, query, Math.min(limit, 500))) {
      found.push(...page.slice(0, limit - found.length));
      if (found.length >= limit) break;
    }
    const total = await runtime.store.countCs(connector, query);
    if (values.json) {
      writeJson(io, { total, objects: found });
      return EXIT.ok;
    }
    const rows = found.map((cs) => [
      `{${cs.id}}`,
      cs.objectType,
      cs.unappliedExport?.operation ?? cs.pendingImport?.operation ?? '',
      cs.mvId ? 'connector' : 'disconnector',
      cs.dn,
    ]);
    writeLine(io.stdout, renderTable(['id', 'type', 'pending', 'state', 'dn'], rows));
    writeLine(io.stdout, `\n${found.length} of ${total} objects shown`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

export function renderMvObject(mv: MvObject, linked: readonly CsObject[]): string {
  const lines = [`id: ${mv.id}`, `object type: ${mv.objectType}`, 'attributes:'];
  for (const name of Object.keys(mv.attributes).sort()) {
    const source = mv.contributions[name];
    const values = (mv.attributes[name] ?? []).map(valueToText).join(' | ');
    lines.push(`  ${name}: ${values}${source ? `    [${source.connector} / ${source.rule}]` : ''}`);
  }
  lines.push('connectors:');
  for (const cs of linked)
    lines.push(`  ${cs.connector}: ${cs.dn} {${cs.id}} ${currentImage(cs) ? '' : '(not yet exported)'}`.trimEnd());
  return lines.join('\n');
}

export async function mvCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('mv', args, {
    'object-type': { type: 'string' },
    attribute: { type: 'string' },
    value: { type: 'string' },
    limit: { type: 'string' },
  });
  if (values.help) return help(io, MV_HELP);
  const verb = requirePositional('mv', positionals, 0, 'search|show');
  const runtime = await openRuntime(io, values.config, false, 'mv');
  try {
    if (verb === 'show') {
      const id = requirePositional('mv show', positionals, 1, 'id');
      const [mv] = await runtime.store.getMvObjects([id]);
      if (!mv) {
        writeLine(io.stderr, `idsync mv show: no metaverse object ${id}`);
        return EXIT.completedWithErrors;
      }
      const linked = await runtime.store.findCsByMvIds([id]);
      if (values.json) writeJson(io, { ...mv, connectors: linked });
      else writeLine(io.stdout, renderMvObject(mv, linked));
      return EXIT.ok;
    }
    if (verb !== 'search') throw new UsageError(`idsync mv: expected "search" or "show", got "${verb}"`);
    if ((values.attribute === undefined) !== (values.value === undefined)) {
      throw new UsageError('idsync mv search: --attribute and --value go together');
    }
    const query = {
      ...(values['object-type'] ? { objectType: values['object-type'] } : {}),
      ...(values.attribute !== undefined && values.value !== undefined
        ? { attribute: values.attribute, value: values.value }
        : {}),
    };
    const limit = parsePositiveInt('mv search', 'limit', values.limit, 100);
    const found: MvObject[] = [];
    for await (const page of runtime.store.scanMv(query, Math.min(limit, 500))) {
      found.push(...page.slice(0, limit - found.length));
      if (found.length >= limit) break;
    }
    if (values.json) {
      writeJson(io, { total: await runtime.store.countMv(query), objects: found });
      return EXIT.ok;
    }
    const show = (mv: MvObject, name: string) => (mv.attributes[name] ?? []).map(valueToText).join(' | ');
    const rows = found.map((mv) => [
      mv.id,
      mv.objectType,
      show(mv, 'displayName'),
      show(mv, 'userPrincipalName') || show(mv, 'mail'),
    ]);
    writeLine(io.stdout, renderTable(['id', 'type', 'displayName', 'userPrincipalName / mail'], rows));
    writeLine(io.stdout, `\n${found.length} of ${await runtime.store.countMv(query)} objects shown`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

export async function historyCommand(io: CliIo, args: readonly string[]): Promise<ExitCode> {
  const { values } = parseCommandArgs('history', args, {
    last: { type: 'string' },
    connector: { type: 'string' },
    run: { type: 'string' },
  });
  if (values.help) return help(io, HISTORY_HELP);
  const runtime = await openRuntime(io, values.config, false, 'history');
  try {
    if (values.run !== undefined) {
      const id = parsePositiveInt('history', 'run', values.run, 1);
      const run = await runtime.store.getRun(id);
      if (!run) throw new UsageError(`idsync history: no run ${id}`);
      const issues = await runtime.store.listRunIssues(id, 1000);
      if (values.json) writeJson(io, { ...run, issues });
      else {
        writeLine(
          io.stdout,
          `run ${run.id}: ${run.connector} ${run.runProfile} ${run.status} ${run.startedAt} → ${run.endedAt ?? ''}`,
        );
        if (run.message) writeLine(io.stdout, run.message);
        for (const issue of issues) writeLine(io.stdout, `  ${issue.code}: ${issue.message}`);
      }
      return EXIT.ok;
    }
    const runs = await runtime.store.listRuns({
      limit: parsePositiveInt('history', 'last', values.last, 20),
      ...(values.connector ? { connector: values.connector } : {}),
    });
    if (values.json) {
      writeJson(io, runs);
      return EXIT.ok;
    }
    const rows = runs.map((r) => [
      String(r.id),
      r.connector,
      r.runProfile,
      r.status,
      r.startedAt,
      Object.entries(r.counters)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k}=${n}`)
        .join(' '),
    ]);
    writeLine(io.stdout, renderTable(['run', 'connector', 'run profile', 'status', 'started', 'counters'], rows));
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
